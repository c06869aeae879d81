// Process logging (SPEC §8): every line goes to stderr. Under journald (stderr is the
// stream named by $JOURNAL_STREAM) each line starts with its syslog priority "<N>" so the
// journal files it at the right level, and carries no time stamp (journald adds one).
// Credentials never reach a log line: conf::Secret prints as "***" and nothing here
// formats a password or the admin token.
#pragma once

#include <string_view>

#include <spdlog/common.h>

namespace smppgw::daemon {

// True when stderr is connected to the journal: $JOURNAL_STREAM names "device:inode" of
// the stream systemd set up, and it must be stderr's (a child that inherited the variable
// but writes elsewhere must not get prefixes).
bool stderr_is_journal();

// The syslog priority of a spdlog level (debug 7, info 6, warn 4, error 3, critical 2).
int syslog_priority(spdlog::level::level_enum level);

// Installs the default logger ("smppgwd", stderr, thread-safe). Call once, before threads.
void init_logging(bool journal);

// "trace", "debug", "info", "warn", "error", "critical", "off" → the level; unknown → info
// (the configuration validates the value; this is the last line of defence).
spdlog::level::level_enum parse_level(std::string_view name);

}  // namespace smppgw::daemon
