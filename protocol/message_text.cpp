#include "protocol/message_text.hpp"

#include <algorithm>

#include "protocol/gsm7.hpp"
#include "protocol/ia5.hpp"
#include "protocol/latin1.hpp"
#include "protocol/ucs2.hpp"

namespace smppgw::smpp {
namespace {

bool packed_gsm7(Dcs0Charset dcs0) {
  return dcs0 == Dcs0Charset::gsm7_packed;
}

// Unpacked septets of one part, whatever form the link uses.
void append_septets(std::vector<std::uint8_t>& septets, const MessagePayload& part,
                    Dcs0Charset dcs0) {
  if (packed_gsm7(dcs0)) {
    const auto unpacked = gsm7_unpack(part.octets, gsm7_fill_bits(part.udh_octets));
    septets.insert(septets.end(), unpacked.begin(), unpacked.end());
  } else {
    septets.insert(septets.end(), part.octets.begin(), part.octets.end());
  }
}

}  // namespace

TextCoding text_coding(std::uint8_t dc, Dcs0Charset dcs0) {
  switch (dc) {
    case 0x00:
      switch (dcs0) {
        case Dcs0Charset::gsm7_unpacked:
        case Dcs0Charset::gsm7_packed:
          return TextCoding::gsm7;
        case Dcs0Charset::latin1:
          return TextCoding::latin1;
        case Dcs0Charset::ia5:
          return TextCoding::ia5;
      }
      return TextCoding::gsm7;
    case 0x01:
      return TextCoding::ia5;
    case 0x02:
    case 0x04:
      return TextCoding::binary;
    case 0x03:
      return TextCoding::latin1;
    case 0x08:
      return TextCoding::ucs2;
    default:
      break;
  }
  // TS 23.038 coding groups: 1100/1101 message waiting with the default alphabet, 1110 with
  // UCS-2; 1111 data coding/message class, bit 2 chooses 8-bit data over the default alphabet.
  if (dc >= 0xC0 && dc <= 0xDF) return TextCoding::gsm7;
  if (dc >= 0xE0 && dc <= 0xEF) return TextCoding::ucs2;
  if (dc >= 0xF0) return (dc & 0x04) != 0 ? TextCoding::binary : TextCoding::gsm7;
  return TextCoding::unsupported;
}

DecodedText decode_message_text(std::uint8_t data_coding, std::span<const std::uint8_t> payload,
                                Dcs0Charset dcs0, std::size_t udh_octets) {
  const MessagePayload part{{payload.begin(), payload.end()}, udh_octets};
  return decode_message_parts(data_coding, std::span<const MessagePayload>(&part, 1), dcs0);
}

DecodedText decode_message_parts(std::uint8_t data_coding, std::span<const MessagePayload> parts,
                                 Dcs0Charset dcs0) {
  DecodedText out;
  out.coding = text_coding(data_coding, dcs0);
  if (!out.is_text()) return out;
  std::vector<std::uint8_t> joined;
  for (const auto& part : parts) {
    if (out.coding == TextCoding::gsm7) {
      append_septets(joined, part, dcs0);
    } else {
      joined.insert(joined.end(), part.octets.begin(), part.octets.end());
    }
  }
  // Unpacked septets never have the high bit set. Octets that do are most likely Latin-1 sent
  // with data_coding 0 (smpp-notes §11.2: ksmppd #50, Kannel alt-charset); decoding them as
  // Latin-1 keeps the text readable instead of turning every such octet into U+FFFD.
  if (out.coding == TextCoding::gsm7 && !packed_gsm7(dcs0) &&
      std::any_of(joined.begin(), joined.end(), [](std::uint8_t o) { return o > 0x7F; })) {
    out.coding = TextCoding::latin1;
  }
  switch (out.coding) {
    case TextCoding::gsm7:
      out.text = gsm7_decode(joined);
      break;
    case TextCoding::ia5:
      out.text = ia5_decode(joined);
      break;
    case TextCoding::latin1:
      out.text = latin1_decode(joined);
      break;
    case TextCoding::ucs2:
      out.text = ucs2_decode(joined);
      break;
    case TextCoding::binary:
    case TextCoding::unsupported:
      break;
  }
  return out;
}

}  // namespace smppgw::smpp
