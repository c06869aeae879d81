// The one place that turns store.* of the configuration into store options.
#include "daemon/open_store.hpp"

#include <algorithm>

#include "store/postgres/store.hpp"

namespace smppgw::daemon {

tl::expected<std::unique_ptr<store::Store>, StoreOpenError> open_configured_store(
    const conf::Config& config) {
  if (config.store.backend == conf::StoreBackend::postgresql) {
    const conf::PostgresConfig& pg = config.store.postgresql;
    store::postgres::StoreOptions options;
    options.connect.url = pg.url;
    options.connect.password_file = pg.password_file;
    options.schema = pg.schema;
    options.connections = pg.connections;
    auto opened = store::postgres::open_store(options);
    if (!opened) {
      return tl::unexpected(StoreOpenError{opened.error().code, opened.error().message});
    }
    return std::move(*opened);
  }
  store::StoreOptions options;
  options.state_dir = config.state_dir;
  options.map_size = config.store.map_size;
  options.max_map_size = std::max<std::uint64_t>(options.max_map_size, config.store.map_size);
  options.durability = config.store.durability == conf::Durability::nosync
                           ? store::Durability::nosync
                           : store::Durability::fsync;
  auto opened = store::open_store(options);
  if (!opened) {
    return tl::unexpected(StoreOpenError{
        opened.error(),
        "cannot open the store in " + config.state_dir + ": " + opened.error().message()});
  }
  return std::move(*opened);
}

std::string describe_store(const conf::Config& config) {
  if (config.store.backend == conf::StoreBackend::postgresql)
    return "PostgreSQL (" + config.store.postgresql.url + ")";
  return "LMDB in " + config.state_dir;
}

}  // namespace smppgw::daemon
