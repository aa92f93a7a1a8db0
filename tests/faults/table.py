"""The fault table in the README ("Failure behaviour"): fault → what the user sees → test.

`python -m tests.faults.table` prints the Markdown; `test_fault_table.py` checks that the
README holds exactly this and that every test named here exists.
"""

from __future__ import annotations

L = "test_list_faults.py::test_list_fault_keeps_rows_marks_stale_and_recovers"
M = "test_mutations.py::"
F = "test_list_faults.py::"

#: (fault, what the user sees, test). Tests are relative to tests/faults/ unless they
#: start with "tests/".
ROWS: list[tuple[str, str, str]] = [
    (
        "fixed latency (below the timeout)",
        "data loads as usual",
        F + "test_latency_below_the_timeout_just_loads",
    ),
    (
        "500 (HTML error page)",
        "rows kept, ⚠ stale: the API had an error (500): Server Error (500); retrying with backoff",
        L + "[http_500]",
    ),
    (
        "502 / 503 / 504",
        "rows kept, ⚠ stale: the API had an error (502): Bad gateway (…503, 504 alike)",
        L + "[http_502]",
    ),
    (
        "429 with Retry-After",
        "rows kept, ⚠ stale: rate limiting (429). Retry in N s; next try no sooner",
        F + "test_rate_limit_waits_at_least_retry_after",
    ),
    (
        "answer slower than the timeout",
        "rows kept, ⚠ stale: … timed out while waiting for the answer",
        L + "[slow]",
    ),
    ("connection refused", "rows kept, ⚠ stale: … the connection was refused", L + "[refused]"),
    (
        "connection reset mid-answer",
        "rows kept, ⚠ stale: … the connection … was reset",
        L + "[reset]",
    ),
    (
        "malformed JSON",
        "rows kept, ⚠ stale: the API sent an answer that is not valid JSON",
        L + "[malformed_json]",
    ),
    (
        "truncated JSON",
        "rows kept, ⚠ stale: the API sent a truncated answer",
        L + "[truncated_json]",
    ),
    (
        "HTML page with 200",
        "rows kept, ⚠ stale: an HTML page instead of JSON (a proxy or login page?)",
        L + "[html_200]",
    ),
    (
        "HTML page with 502",
        "rows kept, ⚠ stale: the API had an error (502): 502 Bad Gateway",
        L + "[html_502]",
    ),
    (
        "401 mid-session",
        "rows kept, ⚠ stale: The API rejected the token (401)…",
        F + "test_401_mid_session_keeps_rows_and_says_token_rejected",
    ),
    (
        "401 before any data",
        "the first-run screen explains where the token comes from",
        F + "test_401_before_any_data_explains_the_token",
    ),
    (
        "403",
        "rows kept, ⚠ stale: The token is not allowed to list backups (403)",
        L + "[forbidden]",
    ),
    (
        "selected server vanished (404)",
        "rows kept, ⚠ stale: <server> no longer exists (404)… Press Esc to show All servers",
        F + "test_selected_server_vanished_offers_all_servers",
    ),
    (
        "fault stops",
        "next poll (backoff) or ctrl+r clears ⚠ stale, no restart",
        F + "test_recovers_on_the_next_poll_without_a_key",
    ),
    (
        "backup deleted by someone else, delete dialog open",
        "“was already deleted (404); removed from the list”",
        M + "test_backup_deleted_by_someone_else_while_dialog_open",
    ),
    (
        "backup deleted by someone else, restore dialog open",
        "the dialog shows the 404 and sends nothing else",
        M + "test_restore_of_backup_deleted_meanwhile_says_not_found",
    ),
    (
        "missing / extra / wrongly typed fields, `id: null`",
        "readable items shown (unknown as —); “N item(s) … could not be read”; “N unreadable”",
        F + "test_bad_items_are_skipped_and_counted",
    ),
    (
        "duplicate ids across pages",
        "each backup shown once; “item N was listed twice; shown once”",
        F + "test_duplicate_ids_across_pages_are_shown_once",
    ),
    (
        "`next` link loops back",
        "stops after one pass; “next-page link pointed back to a page already read”",
        F + "test_next_link_loop_stops_and_says_so",
    ),
    (
        "a page of 10,000 items",
        "all rows load; the table stays responsive",
        F + "test_page_of_10000_items_loads",
    ),
    (
        "create: answer times out",
        "one POST; the dialog re-reads and says “created after all — #N”",
        M + "test_create_timeout_sent_once_then_rechecked",
    ),
    (
        "create: 502",
        "one POST; re-read says “no backup was created”",
        M + "test_create_502_sent_once_rechecked_not_created",
    ),
    (
        "create: reset mid-answer",
        "one POST; re-read finds the backup",
        M + "test_create_reset_mid_answer_sent_once_rechecked",
    ),
    (
        "create: connection refused",
        "nothing sent; the error is shown and Create offered again",
        M + "test_create_refused_is_not_sent_and_can_be_retried",
    ),
    (
        "create / delete / restore: Enter twice",
        "one request each",
        M + "test_create_enter_twice_sends_once",
    ),
    (
        "delete: answer times out",
        "one DELETE; re-read says “backup #N is gone (deleted)”",
        M + "test_delete_timeout_sent_once_then_rechecked",
    ),
    (
        "create: 502, and someone else's backup with the same description appears",
        "not taken for ours: only a backup absent before sending, of the server, created at or "
        "after the send time by the API's clock (`Date`) counts; else “no backup was created” "
        "or, without the API's clock, unknown",
        "tests/test_operations.py::test_someone_elses_backup_with_our_description_is_not_ours",
    ),
    (
        "delete: 500 / 502 (the API may have deleted it)",
        "one DELETE; re-read says “is gone (deleted)” or “still exists”; only Close is left",
        "tests/ui/test_dialogs.py::test_delete_500_is_rechecked_not_called_failed",
    ),
    (
        "restore: answer times out, a status change seen",
        "one POST; “… went from active to restoring after the request, so the restore started”",
        M + "test_restore_timeout_rechecked_on_a_status_change",
    ),
    (
        "restore: answer times out",
        "one POST; the server reads as before: “whether the restore started cannot be read "
        "from the API”, audited unknown (a status change would count as started)",
        M + "test_restore_timeout_sent_once_then_rechecked",
    ),
    (
        "hostile strings (markup, ANSI, OSC 52, controls, RTL, long, wide)",
        "shown literally or defused; nothing clickable or sent to the terminal",
        "tests/ui/test_hostile.py::test_hostile_strings_are_inert_in_table_and_dialogs",
    ),
    (
        "crash with the token in a frame",
        "terminal restored; “vpstui crashed: …”, then where the redacted report was written",
        "tests/test_secrets.py::test_crash_prints_no_token_and_writes_a_redacted_report",
    ),
    (
        "over HTTP in tmux: 502, timeout on create, reset",
        "same as above in a real terminal",
        "tests/e2e/test_faults_tmux.py::test_faults_over_http_in_a_real_terminal",
    ),
]


def markdown() -> str:
    """The table as it appears in the README."""
    lines = ["| fault | what the user sees | test |", "|---|---|---|"]
    for fault, sees, test in ROWS:
        path = test if test.startswith("tests/") else f"tests/faults/{test}"
        lines.append(f"| {fault} | {sees} | `{path}` |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
