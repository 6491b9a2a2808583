# Fitting times of R forecast's Arima(), auto.arima(), ets(), stlf() and
# thetaf() on the conformance
# cases, for npm run bench:stats (which runs flowcast on the same cases in
# the same run). Prints JSON: per case, the median of `reps` elapsed seconds.
#   Rscript scripts/time-stats-r.R [reps]
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(here, "arima-cases.R"))
source(file.path(here, "auto-arima-cases.R"))
args <- commandArgs(TRUE)
reps <- if (length(args)) as.integer(args[1]) else 3L
time_it <- function(f) median(replicate(reps, system.time(suppressWarnings(f()))[["elapsed"]]))
out <- list(R = R.version.string, forecast = as.character(packageVersion("forecast")), reps = reps, arima = list(), auto = list(), ets = list(), other = list())
co2 <- ts(tail(read("co2_mauna_loa_monthly.csv", "CO2"), 240), frequency = 12)
ets_cases <- list(airpassengers_auto = function() ets(air), airpassengers_MAdM = function() ets(air, model = "MAM", damped = TRUE),
                  co2_auto = function() ets(co2), co2_AAA = function() ets(co2, model = "AAA", damped = FALSE))
for (id in names(ets_cases)) out$ets[[id]] <- time_it(ets_cases[[id]])
taylor <- head(read("taylor_electricity_halfhourly.csv", "demand_MW"), 2016)
other_cases <- list(stlf_airpassengers = function() stlf(air, h = 24), stlf_taylor_48_336 = function() stlf(msts(taylor, seasonal.periods = c(48, 336)), h = 336),
                    thetaf_airpassengers = function() thetaf(air, h = 24), thetaf_taylor_48 = function() thetaf(ts(taylor, frequency = 48), h = 96))
for (id in names(other_cases)) out$other[[id]] <- time_it(other_cases[[id]])
for (cs in cases) out$arima[[cs$id]] <- time_it(function() fit_case(cs))
for (cs in auto_cases) out$auto[[cs$id]] <- time_it(function() fit_auto(cs))
cat(jsonlite::toJSON(out, auto_unbox = TRUE, digits = NA))
