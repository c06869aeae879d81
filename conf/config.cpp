// Lookups over a validated Config and its printable form (passwords never shown).
#include "conf/config.hpp"

#include <algorithm>
#include <iomanip>

namespace smppgw::conf {

// What subscribers actually write to end texts, beyond the stop terms (which count in every
// language). Multi-word phrases count anywhere in the text; a one-word phrase ("ALTO",
// "BAJA") only with nothing but courtesy words around it, because each is also a common word
// ("para" is "for"). The review phrases are complaints and questions that often mean "stop"
// without saying it: they flag the message for a person to decide.
std::map<std::string, RevocationLanguage> default_revocation_languages() {
  return {
      {"en",
       {{"remove me",
         "remove my number",
         "remove this number",
         "remove * number",
         "remove * from * list",
         "take me off",
         "take my number off",
         "take * off * list",
         "take this number off",
         "no more texts",
         "no more text",
         "no more messages",
         "no more msgs",
         "no more sms",
         "no more txts",
         "no more of these",
         "dont text me",
         "do not text me",
         "dont message me",
         "do not message me",
         "dont contact me",
         "do not contact me",
         "dont text this number",
         "do not text this number",
         "dont ever text",
         "never text me",
         "leave me alone",
         "wrong number",
         "unsubscribe me",
         "opt me out",
         "delete my number",
         "lose my number",
         "erase my number",
         "stop texting",
         "stop messaging",
         "stop sending",
         "stop contacting",
         "stop spamming",
         "quit texting",
         "quit messaging",
         "quit sending",
         "end texts",
         "end these texts",
         "not this number",
         "i want out",
         "fuck off",
         "piss off",
         "take me out of",
         "get me off"},
        {"not interested",
         "no thanks",
         "no thank you",
         "who is this",
         "who dis",
         "who are you",
         "how did you get my number",
         "how did you get this number",
         "didnt sign up",
         "did not sign up",
         "never signed up",
         "never subscribed",
         "never joined",
         "didnt subscribe",
         "didnt ask",
         "spam",
         "scam",
         "report you",
         "reported",
         "reporting",
         "block",
         "blocked",
         "blocking",
         "too many texts",
         "too many messages",
         "enough",
         "go away",
         "annoying",
         "harassment",
         "harassing",
         "lawyer",
         "attorney",
         "fcc",
         "unsubscribed",
         "opted out",
         "why am i getting",
         "why do i keep getting",
         "why are you texting",
         "why do you keep",
         "still getting",
         "keep texting",
         "off this list",
         "off your list",
         "off the list"}}},
      {"es",
       {{"alto",
         "para",
         "parar",
         "pare",
         "paren",
         "cancelar",
         "baja",
         "detener",
         "darme de baja",
         "dar de baja",
         "dame de baja",
         "denme de baja",
         "no me envien mas",
         "no me envies mas",
         "no me manden mas",
         "no me mandes mas",
         "no me escriban",
         "no me escribas",
         "no mas mensajes",
         "no mas textos",
         "no mas sms",
         "no quiero mas mensajes",
         "no quiero recibir",
         "ya no quiero",
         "dejen de enviar",
         "dejen de mandar",
         "deja de enviar",
         "deja de mandar",
         "dejen de enviarme",
         "dejen de mandarme",
         "deja de enviarme",
         "deja de mandarme",
         "dejenme en paz",
         "dejame en paz",
         "numero equivocado",
         "borrame",
         "borrenme",
         "eliminame",
         "eliminenme",
         "quitame de",
         "quitenme de",
         "sacame de",
         "saquenme de",
         "no me contacten",
         "cancelar suscripcion",
         "desuscribir",
         "desuscribirme"},
        {"no me interesa",
         "no gracias",
         "quien es",
         "quien eres",
         "quien habla",
         "de donde sacaron mi numero",
         "como obtuvieron mi numero",
         "nunca me suscribi",
         "no me suscribi",
         "spam",
         "estafa",
         "bloquear",
         "bloqueado",
         "demasiados mensajes",
         "basta",
         "ya basta",
         "molesto",
         "molestar",
         "denunciar",
         "abogado"}}},
  };
}

const CampaignConfig* Config::find_campaign(std::string_view id) const {
  for (const auto& c : campaigns)
    if (c.id == id) return &c;
  return nullptr;
}

const LinkConfig* Config::find_link(std::string_view name) const {
  for (const auto& l : smpp.links)
    if (l.name == name) return &l;
  return nullptr;
}

std::vector<const CampaignConfig*> Config::campaigns_on(std::string_view short_code) const {
  std::vector<const CampaignConfig*> out;
  for (const auto& c : campaigns)
    if (c.short_code == short_code) out.push_back(&c);
  return out;
}

const CampaignConfig* Config::default_campaign(std::string_view short_code) const {
  const CampaignConfig* only = nullptr;
  int count = 0;
  for (const auto& c : campaigns) {
    if (c.short_code != short_code) continue;
    if (c.is_default) return &c;
    only = &c;
    ++count;
  }
  return count == 1 ? only : nullptr;
}

std::vector<std::string> Config::served_short_codes() const {
  std::vector<std::string> out;
  for (const auto& l : smpp.links)
    out.insert(out.end(), l.short_codes.begin(), l.short_codes.end());
  if (smpp.listen)
    for (const auto& a : smpp.listen->accounts)
      out.insert(out.end(), a.short_codes.begin(), a.short_codes.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

const char* to_string(Durability d) {
  return d == Durability::fsync ? "fsync" : "nosync";
}

const char* to_string(StoreBackend b) {
  return b == StoreBackend::lmdb ? "lmdb" : "postgresql";
}

const char* to_string(LogLevel l) {
  switch (l) {
    case LogLevel::trace:
      return "trace";
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
    case LogLevel::critical:
      return "critical";
    case LogLevel::off:
      return "off";
  }
  return "info";
}

const char* to_string(BindMode b) {
  return b == BindMode::transceiver ? "transceiver" : "transmitter+receiver";
}

const char* to_string(Dcs0Charset c) {
  return c == Dcs0Charset::gsm7 ? "gsm7" : "latin1";
}

namespace {

struct Quoted {
  const std::string& s;
};
std::ostream& operator<<(std::ostream& os, Quoted q) {
  return os << std::quoted(q.s);
}

struct List {
  const std::vector<std::string>& items;
};
std::ostream& operator<<(std::ostream& os, List l) {
  os << '[';
  for (std::size_t i = 0; i < l.items.size(); ++i) os << (i ? ", " : "") << std::quoted(l.items[i]);
  return os << ']';
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const LinkConfig& l) {
  os << "    - name: " << Quoted{l.name} << "\n"
     << "      host: " << Quoted{l.host} << "\n"
     << "      port: " << l.port << "\n"
     << "      system_id: " << Quoted{l.system_id} << "\n"
     << "      password: " << l.password << "\n"
     << "      system_type: " << Quoted{l.system_type} << "\n"
     << "      bind: " << to_string(l.bind) << "\n"
     << "      short_codes: " << List{l.short_codes} << "\n"
     << "      window: " << l.window << "\n"
     << "      max_tps: " << l.max_tps << "\n"
     << "      enquire_link: " << format_duration(l.enquire_link) << "\n"
     << "      response_timeout: " << format_duration(l.response_timeout) << "\n"
     << "      reconnect: { min: " << format_duration(l.reconnect.min)
     << ", max: " << format_duration(l.reconnect.max) << " }\n"
     << "      dcs0_charset: " << to_string(l.dcs0_charset) << "\n"
     << "      registered_delivery: " << int{l.registered_delivery} << "\n"
     << "      source_ton: " << int{l.source_ton} << "\n"
     << "      source_npi: " << int{l.source_npi} << "\n"
     << "      dest_ton: " << int{l.dest_ton} << "\n"
     << "      dest_npi: " << int{l.dest_npi} << "\n";
  return os;
}

std::ostream& operator<<(std::ostream& os, const Config& c) {
  os << "company: " << Quoted{c.company} << "\n"
     << "default_region: " << c.default_region << "\n"
     << "state_dir: " << Quoted{c.state_dir} << "\n"
     << "store: { backend: " << to_string(c.store.backend);
  if (c.store.backend == StoreBackend::lmdb) {
    os << ", map_size: " << format_size(c.store.map_size)
       << ", durability: " << to_string(c.store.durability) << " }\n";
  } else {
    // The URL holds no password (load refuses one); the password file is named, never read here.
    const PostgresConfig& pg = c.store.postgresql;
    os << ", postgresql: { url: " << Quoted{pg.url};
    if (!pg.password_file.empty()) os << ", password_file: " << Quoted{pg.password_file};
    os << ", connections: " << pg.connections;
    if (!pg.schema.empty()) os << ", schema: " << pg.schema;
    os << " } }\n";
  }
  os << "log: { level: " << to_string(c.log.level) << " }\n"
     << "admin:\n"
     << "  listen: " << c.admin.listen.to_string() << "\n";
  if (!c.admin.token_file.empty()) os << "  token_file: " << Quoted{c.admin.token_file} << "\n";
  if (!c.admin.users_file.empty()) os << "  users_file: " << Quoted{c.admin.users_file} << "\n";
  os << "  max_upload: " << format_size(c.admin.max_upload) << "\n";
  if (c.admin.tls)
    os << "  tls: { cert_file: " << Quoted{c.admin.tls->cert_file}
       << ", key_file: " << Quoted{c.admin.tls->key_file} << " }\n";
  os << "smpp:\n  links:" << (c.smpp.links.empty() ? " []\n" : "\n");
  for (const auto& l : c.smpp.links) os << l;
  if (c.smpp.listen) {
    os << "  listen:\n    address: " << c.smpp.listen->address.to_string() << "\n    accounts:\n";
    for (const auto& a : c.smpp.listen->accounts) {
      os << "      - { system_id: " << Quoted{a.system_id} << ", password: " << a.password
         << ", allow: [";
      for (std::size_t i = 0; i < a.allow.size(); ++i) os << (i ? ", " : "") << a.allow[i].text();
      os << "], short_codes: " << List{a.short_codes} << ", max_binds: " << a.max_binds << " }\n";
    }
  }
  os << "keywords:\n"
     << "  stop: " << List{c.keywords.stop} << "\n"
     << "  stop_all: " << List{c.keywords.stop_all} << "\n"
     << "  resubscribe: " << List{c.keywords.resubscribe} << "\n"
     << "  help: " << List{c.keywords.help} << "\n"
     << "revocation:\n"
     << "  revoke_all: " << (c.revocation.revoke_all ? "true" : "false") << "\n"
     << "  languages:\n";
  for (const auto& [language, phrases] : c.revocation.languages)
    os << "    " << language << ": {revoke: " << List{phrases.revoke}
       << ", review: " << List{phrases.review} << "}\n";
  os << "campaigns:" << (c.campaigns.empty() ? " []\n" : "\n");
  for (const auto& k : c.campaigns) {
    os << "  - id: " << Quoted{k.id} << "\n"
       << "    name: " << Quoted{k.name} << "\n"
       << "    short_code: " << Quoted{k.short_code} << "\n"
       << "    keywords: " << List{k.keywords} << "\n"
       << "    default: " << (k.is_default ? "true" : "false") << "\n"
       << "    language: " << k.language << "\n"
       << "    replies:\n"
       << "      join: " << Quoted{k.replies.join} << "\n"
       << "      help: " << Quoted{k.replies.help} << "\n"
       << "      stop: " << Quoted{k.replies.stop} << "\n"
       << "      resubscribe: " << Quoted{k.replies.resubscribe} << "\n";
  }
  os << "messages: { max_segments: " << c.messages.max_segments
     << ", reassembly_timeout: " << format_duration(c.messages.reassembly_timeout) << " }\n";
  return os;
}

}  // namespace smppgw::conf
