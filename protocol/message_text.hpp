// MO text: turns the user data of a deliver_sm (or its reassembled parts) into UTF-8 by its
// data_coding (SPEC §3, smpp-notes §6 and §11.2). data_coding 0 means the SMSC's default
// alphabet, which is a per-link setting (Dcs0Charset); binary codings are reported, not decoded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace smppgw::smpp {

// What a link's SMSC means by data_coding 0 (default: GSM 03.38, one septet per octet).
enum class Dcs0Charset { gsm7_unpacked, gsm7_packed, latin1, ia5 };

// How the octets were interpreted. `binary` (0x02, 0x04, 8-bit classes 0xF4..0xF7) and
// `unsupported` (JIS, Cyrillic, Hebrew, Korean, pictogram, reserved values) carry no text.
enum class TextCoding { gsm7, ia5, latin1, ucs2, binary, unsupported };

// The interpretation for a data_coding value on a link (no octets needed).
TextCoding text_coding(std::uint8_t data_coding, Dcs0Charset dcs0 = Dcs0Charset::gsm7_unpacked);

struct DecodedText {
  TextCoding coding = TextCoding::unsupported;
  std::string text;  // UTF-8; empty for binary/unsupported
  bool is_text() const { return coding != TextCoding::binary && coding != TextCoding::unsupported; }
};

// One part's user data after its UDH (if any). `udh_octets` is the UDH length in front of it,
// needed only to skip the fill bits of packed GSM 7-bit.
struct MessagePayload {
  std::vector<std::uint8_t> octets;
  std::size_t udh_octets = 0;
};

// Decodes one message's payload (UDH already removed). Lenient: never fails; characters that
// cannot be decoded become U+FFFD (see gsm7_decode, ucs2_decode, ia5_decode). Unpacked GSM
// payload with an octet above 0x7F cannot be septets: it is read as Latin-1 instead, and
// `coding` says latin1 so that the caller can log the mismatch.
DecodedText decode_message_text(std::uint8_t data_coding, std::span<const std::uint8_t> payload,
                                Dcs0Charset dcs0 = Dcs0Charset::gsm7_unpacked,
                                std::size_t udh_octets = 0);

// Decodes the parts of a concatenated message in order as one text. Septets (or octets) are
// joined before decoding so that a GSM escape pair or a UTF-16 surrogate pair split across
// parts by a sender still decodes to one character.
DecodedText decode_message_parts(std::uint8_t data_coding, std::span<const MessagePayload> parts,
                                 Dcs0Charset dcs0 = Dcs0Charset::gsm7_unpacked);

}  // namespace smppgw::smpp
