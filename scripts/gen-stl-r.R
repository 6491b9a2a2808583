# Conformance fixture for lib/stats/stl.ts and nsdiffs: R's stl() (s.window
# 7 and 11; "periodic"; s.window 7 with robust = TRUE, weights included) and
# forecast's seasonal strength (seas.heuristic) and nsdiffs() on five
# seasonal series. The robust fits use an odd number of values (the first
# dropped when the count is even): for even n, R's Fortran asks psort for the
# two middle order statistics of |remainder| in descending order, gets a wrong
# second one, and its robustness scale is no longer 6 median |r|.
#   Rscript scripts/gen-stl-r.R
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "seasonal-series.R"))
series <- c(seasonal_series, list(
  seattle_temp_max = ts(read("seattle_weather_daily.csv", "temp_max"), frequency = 7)
))
out <- list(generator = "scripts/gen-stl-r.R", forecast = as.character(packageVersion("forecast")), R = R.version.string, series = list())
for (nm in names(series)) {
  y <- series[[nm]]
  s7 <- stl(y, s.window = 7)$time.series
  s11 <- stl(y, s.window = 11)$time.series
  y_odd <- if (length(y) %% 2 == 0) ts(as.numeric(y)[-1], frequency = frequency(y)) else y
  r7 <- stl(y_odd, s.window = 7, robust = TRUE)
  per <- stl(y, s.window = "periodic")$time.series
  out$series[[nm]] <- list(y = as.numeric(y), m = frequency(y),
    stl7 = list(seasonal = as.numeric(s7[, 1]), trend = as.numeric(s7[, 2])),
    stl11 = list(seasonal = as.numeric(s11[, 1]), trend = as.numeric(s11[, 2])),
    robust7 = list(drop = length(y) - length(y_odd), seasonal = as.numeric(r7$time.series[, 1]),
                   trend = as.numeric(r7$time.series[, 2]), weights = as.numeric(r7$weights)),
    periodic = list(seasonal = as.numeric(per[, 1]), trend = as.numeric(per[, 2])),
    strength = forecast:::seas.heuristic(y), nsdiffs = nsdiffs(y))
  cat(nm, forecast:::seas.heuristic(y), nsdiffs(y), "\n")
}
writeLines(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE), file.path(here, "..", "test", "fixtures", "r", "stl.json"))
cat("wrote stl.json\n")
