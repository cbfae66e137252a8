#!/bin/sh
# unseen.sh LIBRARY - the code a controlled thread runs before ThreadSanitizer knows it
# calls nothing that ThreadSanitizer instruments.
#
# Under a race detector, the controlled mode's trampoline (sched/thread.c, vsp_thread_main)
# binds the new thread's scheduler slot before the detector's own start routine has set
# up the thread. An instrumented function called there enters __tsan_func_entry with no
# thread state and crashes (a NULL read). It happened only when the scheduler's lock was
# taken at that moment: the lock's pause hint was an out-of-line, instrumented function.
# So this reads the library's machine code rather than waiting for that timing: from
# vsp_sched_bind and vsp_in_runtime, every function they reach inside the library must
# have no call into the detector, and vsp_thread_main itself none either (what it calls
# after the detector's routine is not its concern here).
set -eu
lib=$1
command -v objdump >/dev/null || { echo "unseen: objdump (binutils) is needed" >&2; exit 2; }
objdump -d --no-show-raw-insn "$lib" | awk '
    # Functions are keyed by address: two static functions of one name may both exist.
    function addr(hex) { sub(/^0+/, "", hex); return hex }
    /^[0-9a-f]+ <[^>]+>:$/ {
        fn = addr($1)
        name[fn] = $2
        gsub(/[<>:]/, "", name[fn])
        by_name[name[fn]] = by_name[name[fn]] " " fn
        next
    }
    fn != "" && $2 == "call" && $3 ~ /^[0-9a-f]+$/ {
        t = addr($3)
        if ($4 ~ /^<__tsan_/)
            tsan[fn] = tsan[fn] " " substr($4, 2, length($4) - 2)
        else if ($4 !~ /@plt>$/)
            calls[fn] = calls[fn] " " t
    }
    END {
        bad = 0
        if (by_name["vsp_thread_main"] == "" || by_name["vsp_sched_bind"] == "") {
            print "unseen: no vsp_thread_main or vsp_sched_bind in the library" > "/dev/stderr"
            exit 2
        }
        split(by_name["vsp_thread_main"], m, " ")
        if (tsan[m[1]] != "") {
            print "unseen: vsp_thread_main calls" tsan[m[1]]
            bad = 1
        }
        n = 0
        k = split(by_name["vsp_sched_bind"] by_name["vsp_in_runtime"], roots, " ")
        for (j = 1; j <= k; j++)
            queue[n++] = roots[j]
        for (i = 0; i < n; i++) {
            f = queue[i]
            if (f in done || !(f in name))
                continue
            done[f] = 1
            checked++
            if (tsan[f] != "") {
                print "unseen: " name[f] " (reached before the detector knows the thread)" \
                      " calls" tsan[f]
                bad = 1
            }
            m2 = split(calls[f], c, " ")
            for (j = 1; j <= m2; j++)
                queue[n++] = c[j]
        }
        if (bad)
            exit 1
        print "unseen: " checked " function(s) reached before the detector knows the thread, " \
              "none instrumented"
    }'
