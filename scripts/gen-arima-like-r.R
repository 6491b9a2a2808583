# Likelihood fixture for lib/classical/arima-state-space.ts: stats' ARIMA_Like (the C
# Kalman filter behind arima(), Gardner 1980 initial covariance, kappa 1e6)
# at fixed coefficients, without an optimizer in between. The Seattle point is
# one a BFGS path visits on the ridge of (2,1,3)(2,0,2)[7]: AR and MA roots
# nearly cancel and the MA part is not invertible, where a filter that lets
# P drift from symmetry loses digits.
#   Rscript scripts/gen-arima-like-r.R
suppressMessages(library(jsonlite))
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
shared <- file.path(here, "..", "..", "shared", "data")
read <- function(file, col) read.csv(file.path(shared, file))[[col]]
# (1 - sum ar_i B^i)(1 - sum sar_i B^(m i)) as phi, and (1 + ...)(1 + ...) as theta.
expand <- function(ns, s, m, sign) {
  a <- c(1, sign * ns); b <- c(1, if (length(s)) as.vector(rbind(matrix(0, m - 1, length(s)), sign * s)) else numeric())
  out <- rep(0, length(a) + length(b) - 1)
  for (i in seq_along(a)) for (j in seq_along(b)) out[i + j - 1] <- out[i + j - 1] + a[i] * b[j]
  sign * out[-1]
}
delta_of <- function(d, D, m) {
  p <- 1
  for (i in seq_len(d)) p <- c(p, 0) - c(0, p)
  for (i in seq_len(D)) p <- c(p, rep(0, m)) - c(rep(0, m), p)
  -p[-1]
}
points <- list(
  list(id = "seattle_ridge", y = read("seattle_weather_daily.csv", "temp_max"), m = 7, d = 1, D = 0,
       ar = c(1.7306248150826649, -0.7309673824755593), ma = c(-2.149539246138436, 0.945168852881935, 0.16382788428897144),
       sar = c(0.010669243491918001, 0.986245952148974), sma = c(0.335236624952905, -1.590472311233095)),
  list(id = "airpassengers_seasonal", y = read("airpassengers_monthly.csv", "passengers"), m = 12, d = 1, D = 1,
       ar = c(0.3, -0.1), ma = -0.4, sar = 0.2, sma = -0.5),
  list(id = "sunspots_stationary", y = { s <- tail(read("sunspots_monthly.csv", "sunspots"), 600); s - mean(s) }, m = 1, d = 0, D = 0,
       ar = c(1.2, -0.3), ma = 0.1, sar = numeric(), sma = numeric())
)
out <- list(generator = "scripts/gen-arima-like-r.R", R = R.version.string, points = list())
for (pt in points) {
  phi <- expand(pt$ar, pt$sar, pt$m, -1)
  theta <- expand(pt$ma, pt$sma, pt$m, 1)
  delta <- delta_of(pt$d, pt$D, pt$m)
  mod <- stats:::makeARIMA(phi, theta, as.double(delta), kappa = 1e6, SSinit = "Gardner1980")
  res <- .Call(stats:::C_ARIMA_Like, as.double(pt$y), mod, 0L, FALSE)
  out$points[[pt$id]] <- list(y = as.list(pt$y), phi = as.list(phi), theta = as.list(theta), delta = as.list(delta),
                              ssq = res[[1]], sumlog = res[[2]], used = res[[3]])
  cat(pt$id, ": ssq", format(res[[1]], digits = 15), "sumlog", format(res[[2]], digits = 15), "used", res[[3]], "\n")
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE), file.path(here, "..", "test", "fixtures", "r", "arima_like.json"))
