# Training: the service's /render work, without the server (its profile through the
# workload runner). The continuous-profiling loop replaces this profile with one pulled
# from the running service (`nix-pgo import`, tests/cases/97-go-import.sh).
go-service -batch 150000 -seed 1
