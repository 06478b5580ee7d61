// go-service: a small HTTP service (standard library only) for nix-pgo's Go
// profiling loop. /render does CPU-bound work in the shape Go's PGO helps
// with: hot calls through an interface (devirtualised with a profile) and
// helpers above the default inlining budget. net/http/pprof is mounted, so
// `nix-pgo import` can pull CPU profiles from /debug/pprof/profile.
//
//	go-service -listen 127.0.0.1:0 -addr-file ADDR   serve; ADDR gets host:port
//	go-service -batch N -seed S                      the same work, no server
package main

import (
	"flag"
	"fmt"
	"hash/fnv"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"strconv"
	"strings"
)

// A Filter rewrites one field of a record; the pipeline calls it through the
// interface for every field.
type Filter interface {
	Apply(field []byte) []byte
}

type upper struct{}

func (upper) Apply(f []byte) []byte {
	for i, c := range f {
		if 'a' <= c && c <= 'z' {
			f[i] = c - 'a' + 'A'
		}
	}
	return f
}

type rot struct{ n byte }

func (r rot) Apply(f []byte) []byte {
	for i, c := range f {
		switch {
		case 'a' <= c && c <= 'z':
			f[i] = 'a' + (c-'a'+r.n)%26
		case 'A' <= c && c <= 'Z':
			f[i] = 'A' + (c-'A'+r.n)%26
		}
	}
	return f
}

type squeeze struct{}

func (squeeze) Apply(f []byte) []byte {
	out := f[:0]
	var last byte
	for _, c := range f {
		if c != last {
			out = append(out, c)
		}
		last = c
	}
	return out
}

// record builds the i-th synthetic record of a document: key=value fields
// separated by ';'.
func record(seed, i int) []byte {
	var b strings.Builder
	x := uint32(seed*7919 + i*104729 + 1)
	fields := 4 + int(x%5)
	for j := 0; j < fields; j++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteString("key")
		b.WriteString(strconv.Itoa(j))
		b.WriteByte('=')
		for k := 0; k < 6+int(x%11); k++ {
			b.WriteByte("abcdefghijklmnopqrstuvwxyzzzzzaaaa"[(x>>uint(k%24))%34])
		}
		b.WriteByte(';')
	}
	return []byte(b.String())
}

// split cuts a record into its values (the bytes after each '=').
func split(rec []byte) [][]byte {
	var values [][]byte
	start := -1
	for i, c := range rec {
		switch c {
		case '=':
			start = i + 1
		case ';':
			if start >= 0 {
				values = append(values, rec[start:i])
			}
			start = -1
		}
	}
	return values
}

// render runs n records through the filters and returns a checksum line.
func render(seed, n int, filters []Filter) string {
	h := fnv.New64a()
	for i := 0; i < n; i++ {
		for _, v := range split(record(seed, i)) {
			for _, f := range filters {
				v = f.Apply(v)
			}
			h.Write(v)
		}
	}
	return fmt.Sprintf("seed %d records %d checksum %016x\n", seed, n, h.Sum64())
}

var pipeline = []Filter{rot{13}, squeeze{}, upper{}, rot{7}}

func handleRender(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil || n < 0 || n > 1_000_000 {
		http.Error(w, "n must be an integer in 0..1000000", http.StatusBadRequest)
		return
	}
	seed, _ := strconv.Atoi(r.URL.Query().Get("seed"))
	fmt.Fprint(w, render(seed, n, pipeline))
}

func main() {
	listen := flag.String("listen", "", "address to serve on, e.g. 127.0.0.1:0")
	addrFile := flag.String("addr-file", "", "write the address served on (host:port) to this file")
	batch := flag.Int("batch", 0, "without -listen: render this many records and exit")
	seed := flag.Int("seed", 1, "with -batch: the document's seed")
	flag.Parse()
	if *listen == "" {
		if *batch <= 0 {
			log.Fatal("give -listen ADDR to serve, or -batch N to render N records")
		}
		fmt.Print(render(*seed, *batch, pipeline))
		return
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	if *addrFile != "" {
		// Written whole, then renamed, so a reader never sees half an address.
		tmp := *addrFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(ln.Addr().String()), 0o644); err != nil {
			log.Fatal(err)
		}
		if err := os.Rename(tmp, *addrFile); err != nil {
			log.Fatal(err)
		}
	}
	http.HandleFunc("/render", handleRender)
	log.Printf("serving on %s", ln.Addr())
	log.Fatal(http.Serve(ln, nil))
}
