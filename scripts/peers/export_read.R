# Reads cletrial export output with R, for scripts/peers/export_check.py.
#   Rscript export_read.R xpt DIR   every DIR/*.xpt through haven::read_xpt: dataset and variable
#                                   names and labels, values (numbers as C99 hex floats, exact;
#                                   a SAS date, which haven reads as a Date, as its ISO date),
#                                   and the SAS special-missing tag of each missing number
#   Rscript export_read.R csv DIR   every DIR/*.csv through read.csv with its defaults: per column,
#                                   how many cells hold each missing-value code and how many are
#                                   empty (NA or "")
suppressMessages({
  library(haven)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
mode <- args[1]
dir <- args[2]
codes <- c("NOT DONE", "NOT APPLICABLE", "UNKNOWN")
label_of <- function(x) {
  label <- attr(x, "label")
  if (is.null(label)) "" else label
}
out <- list()
if (mode == "xpt") {
  for (file in sort(list.files(dir, pattern = "\\.xpt$", full.names = TRUE))) {
    data <- read_xpt(file)
    columns <- lapply(names(data), function(name) {
      x <- data[[name]]
      if (inherits(x, "Date")) {
        list(name = name, label = label_of(x), type = "date",
             values = ifelse(is.na(x), NA, format(x, "%Y-%m-%d")))
      } else if (is.numeric(x)) {
        tags <- na_tag(x)
        list(name = name, label = label_of(x), type = "num",
             values = ifelse(is.na(x), NA, sprintf("%a", as.numeric(x))),
             tags = ifelse(is.na(tags), "", tags))
      } else {
        list(name = name, label = label_of(x), type = "char", values = as.character(x))
      }
    })
    out[[basename(file)]] <- list(label = label_of(data), rows = nrow(data), columns = columns)
  }
} else if (mode == "csv") {
  for (file in sort(list.files(dir, pattern = "\\.csv$", full.names = TRUE))) {
    data <- read.csv(file, check.names = FALSE)
    counts <- lapply(names(data), function(name) {
      x <- data[[name]]
      counted <- lapply(codes, function(code) sum(!is.na(x) & as.character(x) == code))
      names(counted) <- codes
      counted[["empty"]] <- sum(is.na(x) | as.character(x) == "")
      counted
    })
    names(counts) <- names(data)
    out[[basename(file)]] <- list(rows = nrow(data), columns = counts)
  }
} else {
  stop("usage: Rscript export_read.R xpt|csv DIR")
}
cat(toJSON(out, auto_unbox = TRUE, na = "null", null = "null"))
