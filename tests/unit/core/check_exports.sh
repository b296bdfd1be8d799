#!/usr/bin/env bash
# check_exports.sh — checks the dynamic symbol table of libtritonserver.so against the
# public headers: every host-side TRITONSERVER_* / TRITONBACKEND_* function declared in
# tritonserver.h and tritonbackend.h (277 in all, less the backend entry points) must
# be exported, and no backend-implemented entry point may be (dlsym on a backend handle
# also searches libtritonserver.so, so a core definition would shadow it).
#
# Usage: check_exports.sh <path/to/libtritonserver.so> <include/triton/core dir>
set -euo pipefail
lib=$1
headers=$2

declared=$(grep -ho 'TRITON\(SERVER\|BACKEND\)_[A-Za-z0-9]*($' "$headers/tritonserver.h" \
             "$headers/tritonbackend.h" | tr -d '(' | sort -u)
count=$(wc -l <<<"$declared")
if [ "$count" -ne 277 ]; then
  echo "FAIL: expected 277 API functions declared in the headers, found $count"
  exit 1
fi

backend_entry_points="TRITONBACKEND_Initialize TRITONBACKEND_Finalize
TRITONBACKEND_ModelInitialize TRITONBACKEND_ModelFinalize
TRITONBACKEND_ModelInstanceInitialize TRITONBACKEND_ModelInstanceFinalize
TRITONBACKEND_ModelInstanceExecute TRITONBACKEND_ModelInstanceReady
TRITONBACKEND_GetBackendAttribute TRITONBACKEND_ModelBatcherInitialize
TRITONBACKEND_ModelBatcherFinalize TRITONBACKEND_ModelBatchIncludeRequest
TRITONBACKEND_ModelBatchInitialize TRITONBACKEND_ModelBatchFinalize"
backend_entry_points=$(tr ' ' '\n' <<<"$backend_entry_points")

# Defined (not undefined) dynamic symbols.
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort -u)

fail=0
shadowing=$(comm -12 <(sort <<<"$backend_entry_points") <(sort <<<"$exported"))
if [ -n "$shadowing" ]; then
  echo "FAIL: backend entry points exported: $(tr '\n' ' ' <<<"$shadowing")"
  fail=1
fi
host_functions=$(comm -23 <(sort <<<"$declared") <(sort <<<"$backend_entry_points"))
missing=$(comm -23 <(sort <<<"$host_functions") <(sort <<<"$exported"))
if [ -n "$missing" ]; then
  echo "FAIL: declared in the headers but not exported: $(tr '\n' ' ' <<<"$missing")"
  fail=1
fi
# Nothing but the API prefixes may leak out, and torchd's own declared extensions
# (include/torchd/torchd_server.h) must be exported.
# (a declaration: "*TORCHD_Name(" whether or not the parameters follow on that line)
extensions=$(grep -ho '\*TORCHD_[A-Za-z0-9]*(' "$headers/../../torchd/torchd_server.h" \
               | tr -d '*(' | sort -u)
missing_ext=$(comm -23 <(sort <<<"$extensions") <(sort <<<"$exported"))
if [ -n "$missing_ext" ]; then
  echo "FAIL: torchd extensions not exported: $(tr '\n' ' ' <<<"$missing_ext")"
  fail=1
fi
leaked=$(grep -v '^TRITON\(SERVER\|BACKEND\|REPOAGENT\|CACHE\)_' <<<"$exported" \
         | comm -23 - <(sort <<<"$extensions") || true)
if [ -n "$leaked" ]; then
  echo "FAIL: non-API symbols exported: $(tr '\n' ' ' <<<"$leaked")"
  fail=1
fi
[ "$fail" -eq 0 ] || exit 1
echo "PASS: $(wc -l <<<"$host_functions") host functions exported, no backend entry point, nothing else"
