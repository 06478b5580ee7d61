# Evaluation, held out: other documents (seeds) than training and than the load the
# imported profile saw.
go-service -batch 20000 -seed 1000
