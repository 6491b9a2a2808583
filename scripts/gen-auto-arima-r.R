# Conformance fixture for lib/classical/auto-arima.ts: R forecast's auto.arima()
# (defaults: stepwise, AICc, KPSS for d, seasonal strength for D) on ten
# series; the chosen orders, constant, AICc and log-likelihood.
#   Rscript scripts/gen-auto-arima-r.R
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "auto-arima-cases.R"))
out <- list(generator = "scripts/gen-auto-arima-r.R", forecast = as.character(packageVersion("forecast")), R = R.version.string, cases = list())
for (cs in auto_cases) {
  fit <- fit_auto(cs)
  o <- arimaorder(fit)
  out$cases[[cs$id]] <- list(y = as.numeric(cs$y), m = cs$m,
    xreg = if (is.null(cs$xreg)) NULL else lapply(seq_len(ncol(cs$xreg)), function(j) as.numeric(cs$xreg[, j])),
    order = unname(o[1:3]), seasonal = if (length(o) > 3) unname(o[4:6]) else c(0, 0, 0),
    coef_names = names(fit$coef), aicc = fit$aicc, loglik = fit$loglik, name = as.character(fit))
  cat(cs$id, ":", as.character(fit), fit$aicc, "\n")
}
writeLines(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE, null = "null"), file.path(here, "..", "test", "fixtures", "r", "auto_arima.json"))
cat("wrote auto_arima.json\n")
