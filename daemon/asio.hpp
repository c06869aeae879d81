// The Asio declarations the daemon's own files use, in one place: Boost 1.74's
// awaitable.hpp needs <utility> first, and the implementation is compiled once in
// asio_impl.cpp (BOOST_ASIO_SEPARATE_COMPILATION, set by the smppgw_asio target).
#pragma once

#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace smppgw::daemon {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::io_context::executor_type>;

}  // namespace smppgw::daemon
