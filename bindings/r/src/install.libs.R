# Install both shared objects: the package's DLL and the glue it loads
# (init.c says why there are two).
files <- Sys.glob(paste0("*", SHLIB_EXT))
dest <- file.path(R_PACKAGE_DIR, paste0("libs", R_ARCH))
dir.create(dest, recursive = TRUE, showWarnings = FALSE)
file.copy(files, dest, overwrite = TRUE)
if (file.exists("symbols.rds"))
  file.copy("symbols.rds", dest, overwrite = TRUE)
