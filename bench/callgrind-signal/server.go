// A net/http server that shuts down gracefully on SIGINT/SIGTERM (signal.NotifyContext,
// then Shutdown), or on a request to /quit: callgrind crashes when its handler of the
// SIGTERM returns (bench/callgrind-signal/measure, docs/go.md). `server PORT-FILE`.
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, quit := context.WithCancel(ctx)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(os.Args[1], []byte(ln.Addr().String()), 0o644); err != nil {
		panic(err)
	}
	n := 0
	mux := http.NewServeMux()
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) { quit() })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		n++
		s := 0
		for i := 0; i < 10000; i++ {
			s += i * n
		}
		fmt.Fprintf(w, "%d %d\n", n, s)
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	<-ctx.Done()
	srv.Shutdown(context.Background())
	fmt.Println("served", n)
}
