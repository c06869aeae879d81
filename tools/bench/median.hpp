// The figure a benchmark reports from its repeated runs: the median (the VM's steal time makes
// single runs vary by a quarter; the median of a few is stable where the mean is not).
#pragma once

#include <algorithm>
#include <vector>

namespace smppgw::bench {

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace smppgw::bench
