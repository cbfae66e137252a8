#!/bin/sh
# csv_check.sh BENCH - a quick vpspin-bench run prints the fairness table of each workload
# (the acquisitions' Jain index beside the threads' CPU time's) and writes both per cell
# to its CSV: in (0, 1] for every contended cell, exactly 1 with one thread, empty for the
# uncontended rows.
set -u
bench=$1
csv="${TMPDIR:-/tmp}/csv_check.$$.csv"
out=$("$bench" --quick --threads 1,2,4 --workloads 0/0,20/50 --locks vp,pthread-spin \
    --csv "$csv" 2>/dev/null) || { echo "FAIL: the quick run failed"; exit 1; }
status=0
n=$(echo "$out" | grep -c "Jain's index of the acquisitions / of the threads' CPU time")
[ "$n" = 2 ] || { echo "FAIL: $n fairness tables, want one per workload (2)"; status=1; }
awk -F, 'NR == 1 {
        for (i = 1; i <= NF; i++) col[$i] = i
        if (!("jain_cpu" in col) || !("jain" in col)) { print "FAIL: no jain_cpu column"; bad = 1; exit }
        next
    }
    $3 == "uncontended" {
        if ($col["jain_cpu"] != "") { print "FAIL: an uncontended row has a jain_cpu: " $0; bad = 1 }
        next
    }
    {
        cells++
        j = $col["jain"] + 0; c = $col["jain_cpu"] + 0
        if (!(j > 0 && j <= 1 && c > 0 && c <= 1)) { print "FAIL: Jain outside (0, 1]: " $0; bad = 1 }
        if ($col["threads"] == 1 && c != 1) { print "FAIL: one thread, jain_cpu not 1: " $0; bad = 1 }
    }
    END {
        if (!bad && cells != 12) { print "FAIL: " cells " contended cells, want 12"; bad = 1 }
        exit bad
    }' "$csv" || status=1
rm -f "$csv"
[ $status = 0 ] && echo "csv_check: both fairness indices in every cell, table and CSV"
exit $status
