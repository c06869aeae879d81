#!/usr/bin/perl
# smppgwd's links against Net::SMPP (Debian libnet-smpp-perl), a second third-party SMPP
# implementation beside node-smpp, playing the carrier SMSC the link binds to:
#   perl netsmpp_smsc.pl <smppgwd binary> transceiver|transmitter+receiver
# Flows: the bind(s) and their parameters; enquire_link both ways; MO single (keyword → join
# reply as submit_sm) and long (3 parts with an 8-bit UDH, a 16-bit UDH, SAR TLVs) sent
# stop-and-wait; MT single and long (UDH and part count checked); a receipt deliver_sm for
# every submit_sm makes the message delivered; our unbind → the link binds again; SIGTERM →
# smppgwd unbinds every connection and exits 0. TAP output; exit status 0 when all pass.
use strict;
use warnings;

use FindBin;
use lib $FindBin::Bin;

use POSIX qw(strftime);
use Test::More;

use NetSmppPeer;
use SmppgwdProcess;
use SmsConcat qw(mo_part_args concat_udh check_long_mt_parts);

my ($binary, $mode) = @ARGV;
die "usage: perl netsmpp_smsc.pl <smppgwd> transceiver|transmitter+receiver\n"
    unless $binary && $mode && $mode =~ /^(transceiver|transmitter\+receiver)$/;

use constant SHORT_CODE => '12345';
use constant JOIN       => 'Acme: you joined Spring Promo. Reply HELP for help, STOP to cancel.';
use constant LONG_MT    => join(' ', ('Acme Long Reads: thank you for joining.') x 9);
use constant ESM_RECEIPT => 0x04;
use constant ESM_UDHI    => 0x40;

# Three parts of about 100 characters: the whole is longer than one SMS, each part fits one.
my @LONG_MO = (
    'Hello, I booked the spring checkup for Tuesday morning but my daughter has a school trip then, ',
    'so could we move it to Thursday afternoon or Friday after four? Either works for both of us, ',
    'and please send the new time by text because I rarely check email. Thanks a lot, Maria.',
);

# What the carrier saw: binds, submit_sm (with the id it answered), receipts it sent, and any
# request it did not expect.
my (@binds, @submits, @receipts, @held_receipts, @unexpected);
my $next_id = 0x5EED0000;

# The connection that takes deliver_sm (MO and receipts): the transceiver, or the receiver
# of a transmitter+receiver pair; the latest one bound, as the link rebinds after an unbind.
sub bound_as {
    my ($peer, @commands) = @_;
    my %wanted = map { $_ => 1 } @commands;
    my @bound = grep { $_->{bound} && $wanted{ $_->{bound} } } $peer->connections;
    return $bound[-1];
}
sub receiver    { bound_as($_[0], 'bind_transceiver', 'bind_receiver') }
sub transmitter { bound_as($_[0], 'bind_transceiver', 'bind_transmitter') }

sub receipt_text {
    my ($id, $text) = @_;
    my $now = strftime('%y%m%d%H%M', gmtime);
    return "id:$id sub:001 dlvrd:001 submit date:$now done date:$now stat:DELIVRD err:000 "
        . 'text:' . substr($text, 0, 20);
}

# A receipt for a submit_sm, from the subscriber back to the short code: the Appendix B text
# and the TLVs. Net::SMPP writes TLV values as given, so the C-octet string gets its NUL here
# and message_state its one octet.
sub send_receipt {
    my ($peer, $receipt) = @_;
    my $connection = receiver($peer);
    if (!$connection) {
        push @held_receipts, $receipt;    # the receiver of the pair is not bound (yet)
        return;
    }
    my ($submit, $id) = @$receipt{qw(pdu id)};
    my $udh = ($submit->{esm_class} & ESM_UDHI) ? concat_udh($submit->{short_message}) : undef;
    my $text = $udh ? $udh->{payload} : $submit->{short_message};
    $receipt->{ticket} = $peer->send_request($connection, 'deliver_sm',
        source_addr_ton      => $submit->{dest_addr_ton},
        source_addr_npi      => $submit->{dest_addr_npi},
        source_addr          => $submit->{destination_addr},
        dest_addr_ton        => $submit->{source_addr_ton},
        dest_addr_npi        => $submit->{source_addr_npi},
        destination_addr     => $submit->{source_addr},
        esm_class            => ESM_RECEIPT,
        data_coding          => 0,
        short_message        => receipt_text($id, $text),
        receipted_message_id => "$id\0",
        message_state        => pack('C', 2),    # DELIVERED
    );
}

sub on_request {
    my ($peer, $connection, $pdu, $command) = @_;
    my $smpp = $connection->{smpp};
    if ($command =~ /^bind_(transceiver|transmitter|receiver)$/) {
        push @binds, { %$pdu, command => $command, connection => $connection };
        $connection->{bound} = $command;
        my $respond = "${command}_resp";
        $smpp->$respond(seq => $pdu->{seq}, system_id => 'netsmpp');
        if ($command ne 'bind_transmitter') {
            send_receipt($peer, $_) for splice @held_receipts;
        }
    } elsif ($command eq 'enquire_link') {
        $smpp->enquire_link_resp(seq => $pdu->{seq});
    } elsif ($command eq 'unbind') {
        $smpp->unbind_resp(seq => $pdu->{seq});
    } elsif ($command eq 'submit_sm') {
        my $id = sprintf '%X', $next_id++;
        my $submit = { pdu => $pdu, id => $id, connection => $connection };
        push @submits, $submit;
        $smpp->submit_sm_resp(seq => $pdu->{seq}, message_id => $id);
        if (($pdu->{registered_delivery} & 0x03) == 0x01) {
            my $receipt = { pdu => $pdu, id => $id };
            push @receipts, $receipt;
            send_receipt($peer, $receipt);
        }
    } else {
        push @unexpected, "$command on $connection->{name}";
        $smpp->generic_nack(seq => $pdu->{seq}, status => 0x03);    # ESME_RINVCMDID
    }
}

sub digits { my ($addr) = @_; $addr =~ s/^\+//; return $addr }

sub submits_to {
    my ($phone) = @_;
    return grep { digits($_->{pdu}{destination_addr}) eq digits($phone) } @submits;
}

sub config {
    my ($daemon, $port) = @_;
    return $daemon->common_config . <<"YAML";
smpp:
  links:
    - name: netsmpp-carrier
      host: 127.0.0.1
      port: $port
      system_id: acme
      password: secret
      bind: $mode
      short_codes: ["${\ SHORT_CODE}"]
      window: 10
      enquire_link: 1s
      response_timeout: 5s
      reconnect: { min: 200ms, max: 1s }
campaigns:
  - id: spring-promo
    name: Spring Promo
    short_code: "${\ SHORT_CODE}"
    keywords: [SPRING]
    default: true
    replies:
      join: "${\ JOIN}"
      help: "Acme: help at 800-555-0100. Reply STOP to cancel."
      stop: "Acme: you are unsubscribed. Reply OOPS to resubscribe."
      resubscribe: "Acme: you are subscribed again. Reply STOP to cancel."
YAML
}

my @expected_binds = $mode eq 'transceiver'
    ? ('bind_transceiver')
    : ('bind_receiver', 'bind_transmitter');

my $daemon = SmppgwdProcess->new(binary => $binary);
my $listener = Net::SMPP->new_listen('127.0.0.1', port => 0, async => 1, system_id => 'netsmpp')
    or die "Net::SMPP cannot listen on 127.0.0.1: $!\n";
my $peer = NetSmppPeer->new(on_request => \&on_request);
my $accepted = 0;
$peer->listen_on($listener, sub {
    my ($p, $smpp) = @_;
    $p->add($smpp, 'connection ' . ++$accepted);
});

my $ok = eval {
    $daemon->start(config($daemon, $listener->sockport));

    # The bind(s): system_id, password and interface_version 0x34 as configured.
    $peer->wait_for('the link to bind', sub { @binds >= @expected_binds });
    is_deeply([sort map { $_->{command} } @binds], \@expected_binds, "binds as $mode");
    for my $bind (@binds) {
        is($bind->{system_id}, 'acme', "$bind->{command}: system_id");
        is($bind->{password}, 'secret', "$bind->{command}: password");
        is($bind->{interface_version}, 0x34, "$bind->{command}: interface_version 0x34");
    }

    # enquire_link both ways: the link's (every 1 s idle) on each connection, then ours.
    for my $connection ($peer->connections) {
        $peer->wait_for("an enquire_link from smppgwd on $connection->{name}",
            sub { $connection->{enquire_links} > 0 });
        my $response = $peer->call($connection, 'our enquire_link', 'enquire_link');
        is(Net::SMPP::pdu_tab->{ $response->{cmd} }{cmd}, 'enquire_link_resp',
            "enquire_link both ways on the $connection->{bound} connection");
        is($response->{status}, 0, 'enquire_link_resp ESME_ROK');
    }

    # MO keyword → ESME_ROK after commit; the join reply comes back as submit_sm.
    my $phone = '14155550123';
    my $response = $peer->call(receiver($peer), 'the keyword MO', 'deliver_sm',
        source_addr_ton => 1, source_addr_npi => 1, source_addr => $phone,
        destination_addr => SHORT_CODE, data_coding => 0, short_message => 'SPRING');
    is($response->{status}, 0, 'MO keyword acknowledged ESME_ROK');
    my ($join) = $peer->wait_for('the join reply',
        sub { my @s = grep { $_->{pdu}{short_message} eq JOIN } submits_to($phone); $s[0] });
    is($join->{pdu}{source_addr}, SHORT_CODE, 'join reply from the short code');
    is($join->{pdu}{registered_delivery} & 0x03, 1, 'join reply asks for a receipt');
    ok($join->{connection}{bound} ne 'bind_receiver', 'join reply not sent on a receiver bind');
    my ($code, $inbox) = $daemon->api('GET', "/v1/inbox?phone=%2B$phone");
    is($code, 200, 'GET /v1/inbox');
    is($inbox->{messages}[0]{kind}, 'keyword', 'the MO is an Inbox row of kind keyword');
    my (undef, $thread) = $daemon->api('GET', "/v1/conversations/%2B$phone");
    my ($reply) = grep { $_->{direction} eq 'out' } @{ $thread->{messages} || [] };
    ok($reply, 'the join reply is in the conversation') or die "no outgoing message\n";
    my $record = $daemon->wait_message_status($peer, $reply->{id}, 'delivered');
    is($record->{status}, 'delivered', 'our receipt made the join reply delivered');

    # Long MO, stop-and-wait: each part is sent only after the previous one was answered
    # (smppgwd answers each part once it is stored), in each concatenation style.
    my %phones = (udh8 => '14155550124', udh16 => '14155550125', sar => '14155550126');
    my %reference = (udh8 => 0xA7, udh16 => 0xBEEF, sar => 0x1234);
    for my $style (qw(udh8 udh16 sar)) {
        for my $seq (1 .. 3) {
            my $part = $peer->call(receiver($peer), "long MO part $seq/3 ($style)", 'deliver_sm',
                source_addr_ton => 1, source_addr_npi => 1, source_addr => $phones{$style},
                destination_addr => SHORT_CODE, data_coding => 0,
                mo_part_args($style, $reference{$style}, $seq, 3, $LONG_MO[$seq - 1]));
            is($part->{status}, 0, "long MO part $seq/3 ($style) acknowledged ESME_ROK");
        }
        my ($status, $rows) = $daemon->api('GET', "/v1/inbox?phone=%2B$phones{$style}");
        is($status, 200, "GET /v1/inbox ($style)");
        is(scalar @{ $rows->{messages} || [] }, 1, "long MO ($style) is one Inbox row");
        is($rows->{messages}[0]{text}, join('', @LONG_MO), "long MO ($style) reassembled");
    }

    # MT single: no UDH, the text as sent; our receipt makes it delivered.
    my $mt_phone = '14155550130';
    ($code, my $created) = $daemon->api('POST', '/v1/messages',
        { to => "+$mt_phone", from => SHORT_CODE, text => 'Your code is 4321' });
    is($code, 202, 'POST /v1/messages') or die "POST /v1/messages: $code\n";
    my ($mt) = $peer->wait_for('the MT submit_sm', sub { (submits_to($mt_phone))[0] });
    is($mt->{pdu}{short_message}, 'Your code is 4321', 'MT text');
    is($mt->{pdu}{esm_class} & ESM_UDHI, 0, 'single MT has no UDH');
    is($mt->{pdu}{data_coding}, 0, 'MT data_coding 0 (GSM 03.38)');
    is($mt->{pdu}{source_addr}, SHORT_CODE, 'MT from the short code');
    $record = $daemon->wait_message_status($peer, $created->{id}, 'delivered');
    is($record->{status}, 'delivered', 'GET /v1/messages/{id}: delivered after our receipt');

    # MT long: three parts, each with 05 00 03 ref 03 seq, one reference.
    my $long_phone = '14155550131';
    ($code, $created) = $daemon->api('POST', '/v1/messages',
        { to => "+$long_phone", from => SHORT_CODE, text => LONG_MT });
    is($code, 202, 'POST /v1/messages (long)') or die "POST /v1/messages: $code\n";
    is($created->{segments}, 3, 'long MT: 3 segments');
    my @parts = @{ $peer->wait_for('three MT parts',
        sub { my @p = submits_to($long_phone); @p >= 3 ? \@p : undef }) };
    is(scalar @parts, 3, 'long MT arrived as 3 submit_sm');
    check_long_mt_parts([map { $_->{pdu} } @parts], LONG_MT);
    $record = $daemon->wait_message_status($peer, $created->{id}, 'delivered');
    is($record->{status}, 'delivered', 'long MT delivered once every part has its receipt');

    # Our unbind: answered, the connection closed, and the link binds again.
    for my $connection ($peer->connections) {
        my $bound = $connection->{bound};
        my $before = grep { $_->{command} eq $bound } @binds;
        my $answer = $peer->call($connection, 'our unbind', 'unbind');
        is(Net::SMPP::pdu_tab->{ $answer->{cmd} }{cmd}, 'unbind_resp', "$bound: unbind_resp");
        is($answer->{status}, 0, "$bound: unbind_resp ESME_ROK");
        $peer->wait_for("smppgwd to close the unbound $bound connection",
            sub { $connection->{closed} });
        $peer->wait_for("the link to bind again as $bound",
            sub { (grep { $_->{command} eq $bound } @binds) > $before });
        pass("$bound: the link bound again after our unbind");
    }

    # SIGTERM: smppgwd unbinds every connection (we answer) and exits 0.
    my @open = $peer->connections;
    $daemon->signal('TERM');
    $peer->wait_for('smppgwd to exit after SIGTERM', sub { $daemon->exited }, 20);
    is($daemon->status, 0, 'SIGTERM: exit status 0');
    is(scalar(grep { $_->{unbinds} == 1 } @open), scalar @open,
        'SIGTERM: smppgwd unbound each of its connections');

    # Everything we sent was answered ESME_ROK; nothing unexpected came.
    is(scalar(grep { !$_->{ticket} || !$_->{ticket}{response} } @receipts), 0,
        'every receipt was sent and answered');
    is(scalar(grep { $_->{ticket} && $_->{ticket}{response} && $_->{ticket}{response}{status} }
        @receipts), 0, 'every receipt answered ESME_ROK');
    is_deeply(\@unexpected, [], 'no unexpected request from smppgwd');
    is(scalar(map { @{ $_->{stray_responses} || [] } } @{ $peer->{connections} }), 0,
        'no response to a request we did not send');
    1;
};
fail("the flow ran to its end: $@") unless $ok;

my $passed = Test::More->builder->is_passing;
diag("--- smppgwd log ---\n" . $daemon->log_tail) unless $passed;
$daemon->finish($passed);
done_testing();
