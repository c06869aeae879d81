// Framer: one growable buffer with a consumed prefix. Frames are handed out as spans into the
// buffer (no copy); the consumed prefix is dropped only when room is needed, so a read that
// carries many PDUs costs one memmove of the unfinished tail at most.
#include "protocol/framer.hpp"

#include <algorithm>
#include <cstring>

namespace smppgw::smpp {
namespace {

std::uint32_t load32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

constexpr std::size_t kInitialCapacity = 4096;

}  // namespace

Framer::Framer(std::size_t max_pdu_length)
    : max_pdu_length_(std::max(max_pdu_length, kMinPduLength)) {}

void Framer::make_room(std::size_t n) {
  if (buffer_.size() - end_ >= n) return;
  // Drop the consumed prefix first; grow only if that is not enough.
  if (begin_ != 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buffer_.size() - end_ < n) {
    buffer_.resize(std::max({end_ + n, buffer_.size() * 2, kInitialCapacity}));
  }
}

void Framer::feed(std::span<const std::uint8_t> chunk) {
  if (chunk.empty()) return;
  make_room(chunk.size());
  std::memcpy(buffer_.data() + end_, chunk.data(), chunk.size());
  end_ += chunk.size();
}

std::span<std::uint8_t> Framer::prepare(std::size_t min_size) {
  make_room(std::max<std::size_t>(min_size, 1));
  return {buffer_.data() + end_, buffer_.size() - end_};
}

void Framer::commit(std::size_t n) {
  end_ += std::min(n, buffer_.size() - end_);
}

tl::expected<std::optional<Frame>, FramingError> Framer::next() {
  if (error_) return tl::unexpected(*error_);
  if (end_ - begin_ < kMinPduLength) {
    if (begin_ == end_) begin_ = end_ = 0;  // cheap reset when everything was consumed
    return std::nullopt;
  }
  const std::uint8_t* p = buffer_.data() + begin_;
  const std::uint32_t command_length = load32(p);
  if (command_length < kMinPduLength || command_length > max_pdu_length_) {
    error_ = FramingError{command_length, load32(p + 4), load32(p + 12), status::inv_cmd_len,
                          "command_length " + std::to_string(command_length) + " is outside " +
                              std::to_string(kMinPduLength) + ".." +
                              std::to_string(max_pdu_length_) + ": framing lost"};
    return tl::unexpected(*error_);
  }
  if (end_ - begin_ < command_length) return std::nullopt;
  begin_ += command_length;
  return Frame{p, command_length};
}

}  // namespace smppgw::smpp
