#!/usr/bin/perl
# smppgwd's listener (smpp.listen, the SMSC role) against Net::SMPP (Debian libnet-smpp-perl)
# playing a carrier ESME that binds to it:
#   perl netsmpp_esme.pl <smppgwd binary> transceiver|transmitter+receiver
# Flows: bind(s) as a listener account; enquire_link both ways; MO single (keyword, asking for
# a receipt → submit_sm_resp with the Inbox id, a DELIVRD receipt and the join reply as
# deliver_sm) and long (3 parts with an 8-bit UDH, a 16-bit UDH, SAR TLVs, each asking for
# a receipt) sent stop-and-wait; MT single and long as deliver_sm (UDH and part count
# checked); our unbind → unbind_resp and closed; SIGTERM → smppgwd unbinds us and exits 0.
# TAP output; exit status 0 when all pass.
use strict;
use warnings;

use FindBin;
use lib $FindBin::Bin;

use Test::More;
use Time::HiRes qw(sleep time);

use NetSmppPeer;
use SmppgwdProcess;
use SmsConcat qw(mo_part_args concat_udh check_long_mt_parts);

my ($binary, $mode) = @ARGV;
die "usage: perl netsmpp_esme.pl <smppgwd> transceiver|transmitter+receiver\n"
    unless $binary && $mode && $mode =~ /^(transceiver|transmitter\+receiver)$/;

use constant SHORT_CODE  => '67890';
use constant JOIN        => 'Acme Clinic: you will get appointment alerts. Reply STOP to cancel.';
use constant LONG_MT     => join(' ', ('Acme Clinic: your appointment is confirmed.') x 8);
use constant ESM_UDHI    => 0x40;
use constant ESM_TYPE    => 0x3C;
use constant ESM_RECEIPT => 0x04;
# The listener's enquire_link interval (daemon/listener.hpp kEnquireLinkInterval): fixed, not
# configurable, so the test idles this long to see smppgwd's enquire_link.
use constant LISTENER_ENQUIRE_LINK_S => 30;

my @LONG_MO = (
    'Hi, this is the front desk of the Northside practice forwarding a patient question to you: ',
    'she wants to know whether the fasting rule applies to the blood test on Monday at nine, ',
    'and if she may still take her usual morning tablets with a glass of water. Please advise.',
);

# Every deliver_sm smppgwd sent us (with the connection it came on) and any request we did
# not expect.
my (@delivers, @unexpected);

sub on_request {
    my ($peer, $connection, $pdu, $command) = @_;
    my $smpp = $connection->{smpp};
    if ($command eq 'deliver_sm') {
        push @delivers, { pdu => $pdu, connection => $connection };
        # SMPP 3.4 §4.6.2: deliver_sm_resp's message_id is unused and must be NULL; Net::SMPP
        # croaks without one.
        $smpp->deliver_sm_resp(seq => $pdu->{seq}, message_id => '');
    } elsif ($command eq 'enquire_link') {
        $smpp->enquire_link_resp(seq => $pdu->{seq});
    } elsif ($command eq 'unbind') {
        $smpp->unbind_resp(seq => $pdu->{seq});
    } else {
        push @unexpected, "$command on $connection->{name}";
        $smpp->generic_nack(seq => $pdu->{seq}, status => 0x03);    # ESME_RINVCMDID
    }
}

sub is_receipt { ($_[0]{pdu}{esm_class} & ESM_TYPE) == ESM_RECEIPT }
sub receipt_for {
    my ($id) = @_;
    my @r = grep { is_receipt($_)
        && (NetSmppPeer::c_string($_->{pdu}{receipted_message_id}) // '') eq $id } @delivers;
    return $r[0];
}
sub messages_to {
    my ($phone) = @_;
    return grep { !is_receipt($_) && $_->{pdu}{destination_addr} eq $phone } @delivers;
}

sub config {
    my ($daemon, $port) = @_;
    return $daemon->common_config . <<"YAML";
smpp:
  listen:
    address: 127.0.0.1:$port
    accounts:
      - { system_id: carrier-b, password: secret, allow: [127.0.0.1/32], short_codes: ["${\ SHORT_CODE}"], max_binds: 4 }
campaigns:
  - id: clinic-alerts
    name: Clinic Alerts
    short_code: "${\ SHORT_CODE}"
    keywords: [CLINIC]
    default: true
    replies:
      join: "${\ JOIN}"
      help: "Acme Clinic: call 800-555-0199. Reply STOP to cancel."
      stop: "Acme Clinic: alerts stopped. Reply OOPS to resubscribe."
      resubscribe: "Acme Clinic: alerts are back on. Reply STOP to cancel."
YAML
}

# Connects (the listener may still be opening its port right after the admin port answered)
# and binds; returns the connection record and the bind response.
sub connect_and_bind {
    my ($peer, $port, $command, $name) = @_;
    my $smpp;
    my $deadline = time + 10;
    until ($smpp = Net::SMPP->new_connect('127.0.0.1', port => $port, async => 1,
            system_id => 'carrier-b', password => 'secret', timeout => 5)) {
        die "cannot connect to the listener on 127.0.0.1:$port: $!\n" if time > $deadline;
        sleep 0.05;
    }
    my $connection = $peer->add($smpp, $name);
    my $response = $peer->call($connection, $command, $command);
    $connection->{bound} = $command if $response->{status} == 0;
    return ($connection, $response);
}

my @bind_commands = $mode eq 'transceiver'
    ? ('bind_transceiver')
    : ('bind_transmitter', 'bind_receiver');

my $daemon = SmppgwdProcess->new(binary => $binary);
my $listen_port = SmppgwdProcess::free_port();
my $peer = NetSmppPeer->new(on_request => \&on_request);

sub bind_all {
    my ($round) = @_;
    my %bound;
    for my $command (@bind_commands) {
        my ($connection, $response) =
            connect_and_bind($peer, $listen_port, $command, "$command #$round");
        is($response->{status}, 0, "$command as carrier-b: ESME_ROK");
        is($response->{system_id}, 'smppgw', "${command}_resp: system_id smppgw");
        $bound{$command} = $connection;
    }
    return ($bound{bind_transmitter} // $bound{bind_transceiver},
        $bound{bind_receiver} // $bound{bind_transceiver});
}

my $ok = eval {
    $daemon->start(config($daemon, $listen_port));
    my ($tx, $rx) = bind_all(1);

    # Our enquire_link (smppgwd's comes after its 30 s idle interval, checked further down).
    for my $connection ($peer->connections) {
        my $response = $peer->call($connection, 'our enquire_link', 'enquire_link');
        is(Net::SMPP::pdu_tab->{ $response->{cmd} }{cmd}, 'enquire_link_resp',
            "$connection->{bound}: enquire_link_resp");
        is($response->{status}, 0, "$connection->{bound}: enquire_link_resp ESME_ROK");
    }

    # MO keyword asking for a receipt: the Inbox id as message_id, a DELIVRD receipt for it
    # and the join reply, both as deliver_sm on the receiving bind.
    my $phone = '14155550140';
    my $response = $peer->call($tx, 'the keyword MO', 'submit_sm',
        source_addr_ton => 1, source_addr_npi => 1, source_addr => $phone,
        dest_addr_ton => 3, dest_addr_npi => 0, destination_addr => SHORT_CODE,
        registered_delivery => 1, data_coding => 0, short_message => 'CLINIC');
    is($response->{status}, 0, 'MO keyword acknowledged ESME_ROK');
    my $mo_id = $response->{message_id} // '';
    my ($code, $inbox) = $daemon->api('GET', "/v1/inbox?phone=%2B$phone");
    is($code, 200, 'GET /v1/inbox');
    is($inbox->{messages}[0]{kind}, 'keyword', 'the MO is an Inbox row of kind keyword');
    is($mo_id, "$inbox->{messages}[0]{id}", 'submit_sm_resp message_id is the Inbox id');
    my $receipt = $peer->wait_for("the receipt for MO $mo_id", sub { receipt_for($mo_id) });
    is($receipt->{connection}{name}, $rx->{name}, 'the receipt came on the receiving bind');
    is($receipt->{pdu}{source_addr}, SHORT_CODE, 'receipt from the short code');
    is($receipt->{pdu}{destination_addr}, $phone, 'receipt to the subscriber');
    is($receipt->{pdu}{message_state}, pack('C', 2), 'receipt message_state DELIVERED');
    like($receipt->{pdu}{short_message}, qr/^id:\Q$mo_id\E .*stat:DELIVRD .*text:CLINIC$/,
        'receipt text (Appendix B): id, stat DELIVRD, text');
    my ($join) = $peer->wait_for('the join reply', sub { (messages_to($phone))[0] });
    is($join->{pdu}{short_message}, JOIN, 'the join reply as deliver_sm');
    is($join->{connection}{name}, $rx->{name}, 'the join reply came on the receiving bind');
    is($join->{pdu}{source_addr}, SHORT_CODE, 'join reply from the short code');

    # Long MO, stop-and-wait, each part asking for a receipt: each part answered with
    # "<Inbox id>-<seq>" once it is stored, a receipt for each, one Inbox row.
    my %phones = (udh8 => '14155550142', udh16 => '14155550143', sar => '14155550144');
    my %reference = (udh8 => 0x3C, udh16 => 0xCAFE, sar => 0x0101);
    for my $style (qw(udh8 udh16 sar)) {
        my @ids;
        for my $seq (1 .. 3) {
            my $part = $peer->call($tx, "long MO part $seq/3 ($style)", 'submit_sm',
                source_addr_ton => 1, source_addr_npi => 1, source_addr => $phones{$style},
                dest_addr_ton => 3, dest_addr_npi => 0, destination_addr => SHORT_CODE,
                registered_delivery => 1, data_coding => 0,
                mo_part_args($style, $reference{$style}, $seq, 3, $LONG_MO[$seq - 1]));
            is($part->{status}, 0, "long MO part $seq/3 ($style) acknowledged ESME_ROK");
            push @ids, $part->{message_id} // '';
        }
        my ($status, $rows) = $daemon->api('GET', "/v1/inbox?phone=%2B$phones{$style}");
        is($status, 200, "GET /v1/inbox ($style)");
        is(scalar @{ $rows->{messages} || [] }, 1, "long MO ($style) is one Inbox row");
        is($rows->{messages}[0]{text}, join('', @LONG_MO), "long MO ($style) reassembled");
        my $row = $rows->{messages}[0]{id} // '?';
        is_deeply(\@ids, ["$row-1", "$row-2", "$row-3"],
            "long MO ($style): message_id <Inbox id>-<seq> per part");
        for my $id (@ids) {
            $peer->wait_for("the receipt for part $id", sub { receipt_for($id) });
        }
        pass("long MO ($style): a receipt for each part");
    }

    # MT single: one deliver_sm, no UDH; deliver_sm_resp OK makes it submitted.
    my $mt_phone = '14155550150';
    ($code, my $created) = $daemon->api('POST', '/v1/messages',
        { to => "+$mt_phone", from => SHORT_CODE, text => 'Your appointment is at 9:30' });
    is($code, 202, 'POST /v1/messages') or die "POST /v1/messages: $code\n";
    my ($mt) = $peer->wait_for('the MT deliver_sm', sub { (messages_to($mt_phone))[0] });
    is($mt->{pdu}{short_message}, 'Your appointment is at 9:30', 'MT text');
    is($mt->{pdu}{esm_class}, 0, 'single MT: esm_class 0 (no UDH, not a receipt)');
    is($mt->{connection}{name}, $rx->{name}, 'MT came on the receiving bind');
    my $record = $daemon->wait_message_status($peer, $created->{id}, 'submitted');
    is($record->{status}, 'submitted', 'GET /v1/messages/{id}: submitted once answered');

    # MT long: three deliver_sm, each with 05 00 03 ref 03 seq, one reference.
    my $long_phone = '14155550151';
    ($code, $created) = $daemon->api('POST', '/v1/messages',
        { to => "+$long_phone", from => SHORT_CODE, text => LONG_MT });
    is($code, 202, 'POST /v1/messages (long)') or die "POST /v1/messages: $code\n";
    is($created->{segments}, 3, 'long MT: 3 segments');
    my @parts = @{ $peer->wait_for('three MT parts',
        sub { my @p = messages_to($long_phone); @p >= 3 ? \@p : undef }) };
    is(scalar @parts, 3, 'long MT arrived as 3 deliver_sm');
    check_long_mt_parts([map { $_->{pdu} } @parts], LONG_MT);
    $record = $daemon->wait_message_status($peer, $created->{id}, 'submitted');
    is($record->{status}, 'submitted', 'long MT submitted once every part was answered');

    # smppgwd's enquire_link: sent on each bind after its interval without traffic.
    for my $connection ($peer->connections) {
        $peer->wait_for("an enquire_link from smppgwd on $connection->{name}",
            sub { $connection->{enquire_links} > 0 }, LISTENER_ENQUIRE_LINK_S + 15);
        pass("$connection->{bound}: smppgwd sent enquire_link, we answered");
    }

    # Our unbind: unbind_resp, then smppgwd closes the connection.
    for my $connection ($peer->connections) {
        my $answer = $peer->call($connection, 'our unbind', 'unbind');
        is(Net::SMPP::pdu_tab->{ $answer->{cmd} }{cmd}, 'unbind_resp',
            "$connection->{bound}: unbind_resp");
        is($answer->{status}, 0, "$connection->{bound}: unbind_resp ESME_ROK");
        $peer->wait_for("smppgwd to close $connection->{name}", sub { $connection->{closed} });
        pass("$connection->{bound}: connection closed after the unbind");
    }

    # SIGTERM: smppgwd unbinds every bind (we answer) and exits 0.
    bind_all(2);
    my @open = $peer->connections;
    $daemon->signal('TERM');
    $peer->wait_for('smppgwd to exit after SIGTERM', sub { $daemon->exited }, 20);
    is($daemon->status, 0, 'SIGTERM: exit status 0');
    is(scalar(grep { $_->{unbinds} == 1 } @open), scalar @open,
        'SIGTERM: smppgwd unbound each bind');

    is(scalar(grep { $_->{connection}{bound} eq 'bind_transmitter' } @delivers), 0,
        'no deliver_sm on a transmitter bind');
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
