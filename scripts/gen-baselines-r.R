# Conformance fixture for flowcast's simple baselines (lib/classical/simple.ts):
# R's forecast package (Debian r-cran-forecast) on real series from ../shared/data.
#   Rscript scripts/gen-baselines-r.R
# Writes test/fixtures/r/baselines.json: per series, the values and, per method,
# R's point forecasts and 80/95% intervals for h = 2 seasons.
suppressMessages(library(forecast))
shared <- file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "..", "..", "shared", "data")
read <- function(file, col) read.csv(file.path(shared, file))[[col]]
series <- list(
  airpassengers = list(y = read("airpassengers_monthly.csv", "passengers"), m = 12),
  sunspots = list(y = tail(read("sunspots_monthly.csv", "sunspots"), 600), m = 12),
  co2 = list(y = tail(read("co2_mauna_loa_monthly.csv", "CO2"), 240), m = 12),
  taylor = list(y = head(read("taylor_electricity_halfhourly.csv", "demand_MW"), 1344), m = 48)
)
num <- function(x) as.numeric(x)
out <- list(generator = "scripts/gen-baselines-r.R", forecast = as.character(packageVersion("forecast")),
            R = R.version.string, series = list())
for (name in names(series)) {
  s <- series[[name]]
  y <- ts(s$y, frequency = s$m)
  h <- 2 * s$m
  methods <- list(naive = naive(y, h = h), snaive = snaive(y, h = h), drift = rwf(y, h = h, drift = TRUE), mean = meanf(y, h = h))
  res <- list(y = num(s$y), m = s$m, h = h, methods = list())
  for (mname in names(methods)) {
    f <- methods[[mname]]
    res$methods[[mname]] <- list(mean = num(f$mean), lower80 = num(f$lower[, 1]), lower95 = num(f$lower[, 2]),
                                 upper80 = num(f$upper[, 1]), upper95 = num(f$upper[, 2]))
  }
  out$series[[name]] <- res
}
target <- file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "..", "test", "fixtures", "r", "baselines.json")
writeLines(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE), target)
cat("wrote", target, "\n")
