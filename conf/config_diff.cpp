// Link-level difference between two configurations, for SIGHUP reloads.
#include "conf/config_diff.hpp"

#include <algorithm>

namespace smppgw::conf {

namespace {

bool same_but_max_tps(LinkConfig a, const LinkConfig& b) {
  a.max_tps = b.max_tps;
  return a == b;
}

}  // namespace

LinkChanges diff_links(const Config& before, const Config& after) {
  LinkChanges out;
  for (const auto& old_link : before.smpp.links) {
    const LinkConfig* now = after.find_link(old_link.name);
    if (now == nullptr)
      out.removed.push_back(old_link.name);
    else if (*now == old_link)
      out.unchanged.push_back(old_link.name);
    else if (same_but_max_tps(*now, old_link))
      out.retuned.push_back(old_link.name);
    else
      out.changed.push_back(old_link.name);
  }
  for (const auto& new_link : after.smpp.links)
    if (before.find_link(new_link.name) == nullptr) out.added.push_back(new_link.name);
  for (auto* v : {&out.added, &out.removed, &out.changed, &out.unchanged, &out.retuned})
    std::sort(v->begin(), v->end());
  out.listener_changed = before.smpp.listen != after.smpp.listen;
  if (before.state_dir != after.state_dir) out.restart_required.emplace_back("state_dir");
  if (before.store != after.store) out.restart_required.emplace_back("store");
  // The users file is re-read on every reload (whatever its path); the rest needs a restart.
  auto without_users = [](AdminConfig a) {
    a.users_file.clear();
    return a;
  };
  if (without_users(before.admin) != without_users(after.admin)) {
    out.restart_required.emplace_back("admin");
  }
  return out;
}

}  // namespace smppgw::conf
