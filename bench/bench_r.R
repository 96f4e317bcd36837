# Timing mse() of the R package on the UK table (6 lists, 2744 people;
# shared/data/mse/uk.csv) against SparseMSE's figures as recorded in the
# docs: stepwise selection and fit 0.33 s, BCa bootstrap of 1000
# replicates 247 s.  Prints medians and the ratios, with the machine.
#
# usage (the package installed, e.g. R CMD INSTALL -l out/R bindings/r):
#   R_LIBS=out/R Rscript bench/bench_r.R [UK.csv]
# The table: the argument, else $DURESS_SHARED_DATA/mse/uk.csv, else
# ../shared/data/mse/uk.csv beside the checkout.
suppressPackageStartupMessages(library(duress))

args <- commandArgs(trailingOnly = TRUE)
script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
cands <- c(args[1L],
           file.path(Sys.getenv("DURESS_SHARED_DATA"), "mse", "uk.csv"),
           if (length(script)) file.path(dirname(normalizePath(script)), "..", "..", "shared",
                                         "data", "mse", "uk.csv"))
cands <- cands[!is.na(cands) & nzchar(cands) & file.exists(cands)]
if (!length(cands))
  stop("no UK table: give its path, or set DURESS_SHARED_DATA")
uk <- read.csv(cands[1L])

# the median elapsed time of n runs of f()
median_time <- function(n, f)
  stats::median(vapply(seq_len(n), function(i)
    system.time(suppressWarnings(f()))[["elapsed"]], 0))

cpu <- tryCatch(sub(".*: ", "", grep("^model name", readLines("/proc/cpuinfo"), value = TRUE)[1L]),
                error = function(e) "unknown")
v <- duress_version()
load <- tryCatch(readLines("/proc/loadavg")[1L], error = function(e) "unknown")
cat(sprintf("machine: %s, %d cores (load %s); %s; duress %s (%s, %s)\n", cpu,
            parallel::detectCores(), load,
            R.version.string, v$version, v$git, v$build))
cat(sprintf("table: %s (%d lists, %d people)\n", cands[1L], ncol(uk) - 1L, sum(uk$count)))

t_step <- median_time(11, function() mse(uk, interval = "none", diagnostics = FALSE))
cat(sprintf("stepwise selection and fit:          median %7.3f s   (SparseMSE 0.33 s: %.0f times faster)\n",
            t_step, 0.33 / t_step))
for (threads in c(1L, 2L)) {
  t_boot <- median_time(5, function()
    mse(uk, B = 1000, seed = 1, threads = threads, diagnostics = FALSE))
  cat(sprintf("stepwise + BCa, 1000 replicates, %d thread%s: median %7.3f s   (SparseMSE 247 s: %.0f times faster)\n",
              threads, if (threads > 1L) "s" else " ", t_boot, 247 / t_boot))
}
t_all <- median_time(5, function() mse(uk, B = 1000, seed = 1))
cat(sprintf("mse(uk) as called by default (BCa 1000, list omission, diagnostics): median %.3f s\n",
            t_all))
t_cmp <- median_time(3, function() mse_compare(uk, B = 1000, seed = 1))
cat(sprintf("mse_compare(uk) (every method, BCa 1000):                           median %.3f s\n",
            t_cmp))
