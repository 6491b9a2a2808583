# Conformance fixture for lib/classical: R forecast's Arima() (stats::arima,
# CSS-ML) for given orders on AirPassengers, co2, sunspots, Taylor and
# 3,000 bitcoin minute closes; coefficients, log-likelihood, AIC, AICc,
# BIC, sigma2 and 24-step forecasts with 80/95% intervals.
#   Rscript scripts/gen-arima-r.R
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "arima-cases.R"))
out <- list(generator = "scripts/gen-arima-r.R", forecast = as.character(packageVersion("forecast")), R = R.version.string, cases = list())
for (cs in cases) {
  fit <- fit_case(cs)
  fc <- forecast(fit, h = 24, level = c(80, 95), xreg = cs$newxreg)
  out$cases[[cs$id]] <- list(
    y = as.numeric(cs$y), order = cs$order, seasonal = if (is.null(cs$seasonal)) c(0, 0, 0) else cs$seasonal,
    m = if (is.null(cs$m)) 1 else cs$m, drift = isTRUE(cs$drift), method = if (is.null(cs$method)) "CSS-ML" else cs$method,
    xreg = if (is.null(cs$xreg)) NULL else lapply(seq_len(ncol(cs$xreg)), function(j) as.numeric(cs$xreg[, j])),
    newxreg = if (is.null(cs$newxreg)) NULL else lapply(seq_len(ncol(cs$newxreg)), function(j) as.numeric(cs$newxreg[, j])),
    coef = as.list(unname(fit$coef)), coef_names = names(fit$coef), se = as.list(unname(sqrt(diag(fit$var.coef)))),
    loglik = fit$loglik, aic = if (is.na(fit$aic)) "NA" else fit$aic, aicc = if (is.na(fit$aicc)) "NA" else fit$aicc,
    bic = if (is.na(fit$bic)) "NA" else fit$bic, sigma2 = fit$sigma2,
    residuals = as.numeric(residuals(fit)),
    mean = as.numeric(fc$mean), lower80 = as.numeric(fc$lower[, 1]), upper80 = as.numeric(fc$upper[, 1]),
    lower95 = as.numeric(fc$lower[, 2]), upper95 = as.numeric(fc$upper[, 2]))
  if (cs$id %in% c("air_airline", "air_111_drift", "btc_111")) {
    # update(): the coefficients of a fit on the first 80% applied to the whole series.
    cut <- floor(0.8 * length(cs$y))
    prefix <- fit_case(modifyList(cs, list(y = ts(head(as.numeric(cs$y), cut), frequency = frequency(cs$y)))))
    refit <- Arima(cs$y, model = prefix)
    out$cases[[cs$id]]$update <- list(cut = cut, mean = as.numeric(forecast(refit, h = 12)$mean),
                                      upper95 = as.numeric(forecast(refit, h = 12, level = 95)$upper))
  }
  cat(cs$id, ":", names(fit$coef), "\n")
}
writeLines(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE, null = "null"), file.path(here, "..", "test", "fixtures", "r", "arima.json"))
cat("wrote arima.json\n")
