// What a reload (SIGHUP) changes. Links whose settings are identical keep their binds, and so do
// links whose only change is max_tps (a pacing change needs no new bind; the daemon applies it
// at once); a link that changed otherwise is rebound; a removed link is unbound; an added one
// is started (SPEC §2).
#pragma once

#include <string>
#include <vector>

#include "conf/config.hpp"

namespace smppgw::conf {

struct LinkChanges {
  std::vector<std::string> added;      // in the new config only
  std::vector<std::string> removed;    // in the old config only
  std::vector<std::string> changed;    // in both, any setting different (password included)
  std::vector<std::string> unchanged;  // in both, identical: keep the bind
  std::vector<std::string> retuned;    // in both, only max_tps differs: keep the bind
  bool listener_changed = false;       // smpp.listen differs (address or any account)
  // Settings a reload cannot apply (state_dir, store, admin): they need a restart.
  std::vector<std::string> restart_required;
};

// Links are matched by name. Lists are sorted by name.
LinkChanges diff_links(const Config& before, const Config& after);

}  // namespace smppgw::conf
