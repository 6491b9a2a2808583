# Conformance fixture for ndiffs (lib/stats/unit-root.ts): R forecast's ndiffs
# (KPSS, alpha 0.05, level and trend) on the series of
# test/fixtures/statsmodels/unit_root.json (and log AirPassengers).
#   Rscript scripts/gen-ndiffs-r.R
suppressMessages(library(forecast))
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
fixtures <- file.path(here, "..", "test", "fixtures")
series <- jsonlite::fromJSON(file.path(fixtures, "statsmodels", "unit_root.json"))$series
out <- list(generator = "scripts/gen-ndiffs-r.R", forecast = as.character(packageVersion("forecast")), ndiffs = list())
ys <- lapply(series, function(s) s$y)
ys$logairpassengers <- log(ys$airpassengers)
for (n in names(ys)) out$ndiffs[[n]] <- list(level = ndiffs(ys[[n]]), trend = ndiffs(ys[[n]], type = "trend"))
writeLines(jsonlite::toJSON(out, auto_unbox = TRUE), file.path(fixtures, "r", "ndiffs.json"))
cat("wrote", length(ys), "series\n")
