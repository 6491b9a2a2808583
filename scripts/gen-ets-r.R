# Conformance fixture for lib/classical/ets.ts: R forecast's ets() for each
# form of its default (restricted) set, additive and multiplicative, on
# AirPassengers and co2 (last 240 months), m = 12, and its automatic choice.
#   Rscript scripts/gen-ets-r.R
suppressMessages(library(forecast))
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
shared <- file.path(here, "..", "..", "shared", "data")
read <- function(file, col) read.csv(file.path(shared, file))[[col]]
series <- list(airpassengers = ts(read("airpassengers_monthly.csv", "passengers"), frequency = 12),
               co2 = ts(tail(read("co2_mauna_loa_monthly.csv", "CO2"), 240), frequency = 12),
               # zeros: additive forms only
               sunspots = ts(tail(read("sunspots_monthly.csv", "sunspots"), 600), frequency = 12),
               # m = 48 > 24: R's ets() fits non-seasonal forms only
               taylor = ts(head(read("taylor_electricity_halfhourly.csv", "demand_MW"), 1344), frequency = 48),
               btc = ts(read("btcusd_bitfinex_1min_2017H1.csv", "Close")[100001:103000]))
forms <- list(ANN = c("ANN", FALSE), AAN = c("AAN", FALSE), AAdN = c("AAN", TRUE), ANA = c("ANA", FALSE), AAA = c("AAA", FALSE), AAdA = c("AAA", TRUE),
              MNN = c("MNN", FALSE), MAN = c("MAN", FALSE), MAdN = c("MAN", TRUE), MNA = c("MNA", FALSE), MAA = c("MAA", FALSE), MAdA = c("MAA", TRUE),
              MNM = c("MNM", FALSE), MAM = c("MAM", FALSE), MAdM = c("MAM", TRUE))
out <- list(generator = "scripts/gen-ets-r.R", forecast = as.character(packageVersion("forecast")), series = list())
for (name in names(series)) {
  y <- series[[name]]
  auto <- ets(y)
  res <- list(y = as.numeric(y), m = frequency(y), auto = auto$method, auto_aicc = auto$aicc, models = list())
  for (f in names(forms)) {
    seasonal <- substr(f, nchar(f), nchar(f)) != "N"
    if (seasonal && frequency(y) > 24) next
    fit <- try(suppressWarnings(ets(y, model = forms[[f]][1], damped = as.logical(forms[[f]][2]))), silent = TRUE)
    if (inherits(fit, "try-error")) next
    fc <- forecast(fit, h = 24, level = c(80, 95))
    res$models[[f]] <- list(par = as.list(fit$par), loglik = fit$loglik, aicc = fit$aicc, sigma2 = fit$sigma2,
                            mean = as.numeric(fc$mean), lower80 = as.numeric(fc$lower[, 1]), upper95 = as.numeric(fc$upper[, 2]),
                            residuals = as.numeric(residuals(fit)))
  }
  out$series[[name]] <- res
}
writeLines(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE), file.path(here, "..", "test", "fixtures", "r", "ets.json"))
cat("wrote ets.json\n")
