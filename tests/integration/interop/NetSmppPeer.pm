# Net::SMPP connections (one or several, in either role) driven by one select loop, with
# stop-and-wait requests: each connection has at most one request of ours outstanding and
# the next waits for its response, while the daemon's own requests are answered meanwhile.
package NetSmppPeer;

use strict;
use warnings;

use IO::Select;
use List::Util qw(max min);
use Time::HiRes qw(time);

BEGIN {
    eval { require Net::SMPP; 1 }
        or die "Net::SMPP is not installed (Debian libnet-smpp-perl): run tools/dev setup. $@";
}

use constant RESPONSE_BIT => 0x80000000;

# Net::SMPP's synchronous mode waits for a response with wait_pdu(), which silently drops
# every other PDU meanwhile (its handlers table only answers enquire_link): a submit_sm or
# an unbind from smppgwd arriving then would go unanswered. Everything here is therefore
# async (requests return their sequence number) and read_pdu() is called by this loop only.

# on_request is called as ($peer, $connection, $pdu, $command_name) for every request PDU the
# other side sends; it must answer it (the respond_* methods of $connection->{smpp}).
sub new {
    my ($class, %args) = @_;
    return bless {
        on_request  => $args{on_request},
        timeout     => $args{timeout} // 10,
        connections => [],
        listener    => undef,
        on_accept   => undef,
        log         => [],
    }, $class;
}

# Accepts connections on a Net::SMPP->new_listen socket as the loop runs.
sub listen_on {
    my ($self, $listener, $on_accept) = @_;
    $self->{listener}  = $listener;
    $self->{on_accept} = $on_accept;
}

# A connection record: the Net::SMPP object and what the loop and the tests know of it.
sub add {
    my ($self, $smpp, $name) = @_;
    my $connection = {
        smpp          => $smpp,
        name          => $name,
        bound         => undef,    # bind_transceiver | bind_transmitter | bind_receiver
        closed        => 0,
        queue         => [],       # our requests not sent yet
        inflight      => undef,    # our request awaiting its response
        enquire_links => 0,        # enquire_link requests received
        unbinds       => 0,        # unbind requests received
    };
    push @{ $self->{connections} }, $connection;
    return $connection;
}

sub connections { grep { !$_->{closed} } @{ $_[0]{connections} } }

sub note {
    my ($self, $line) = @_;
    push @{ $self->{log} }, $line;
    Test::More::note($line) if $INC{'Test/More.pm'};
}

# Queues a request; it goes out when the connection has none outstanding. Returns a ticket
# whose {response} is set when the answer arrives.
sub send_request {
    my ($self, $connection, $method, @args) = @_;
    my $ticket = { method => $method, args => \@args, response => undef };
    push @{ $connection->{queue} }, $ticket;
    $self->_send_next($connection);
    return $ticket;
}

# Sends a request and runs the loop until its response: the response PDU, or die saying
# which request ($what) got none.
sub call {
    my ($self, $connection, $what, $method, @args) = @_;
    my $ticket = $self->send_request($connection, $method, @args);
    $self->wait_for("the response to $what on $connection->{name}",
        sub { $ticket->{response} || $connection->{closed} });
    die "$connection->{name} was closed before the response to $what\n" unless $ticket->{response};
    return $ticket->{response};
}

# Runs the loop until $condition returns true (returns its value), or dies after the
# timeout naming what did not happen.
sub wait_for {
    my ($self, $what, $condition, $timeout) = @_;
    my $deadline = time + ($timeout // $self->{timeout});
    while (1) {
        my $value = $condition->();
        return $value if $value;
        my $left = $deadline - time;
        die "timed out waiting for $what\n" if $left <= 0;
        $self->run_once(min($left, 0.2));
    }
}

# Waits up to $seconds for readable sockets and handles every PDU that arrived.
sub run_once {
    my ($self, $seconds) = @_;
    $self->_send_next($_) for $self->connections;
    my %by_fileno = map { fileno($_->{smpp}) => $_ } $self->connections;
    my $select = IO::Select->new(map { $_->{smpp} } values %by_fileno);
    $select->add($self->{listener}) if $self->{listener};
    for my $handle ($select->can_read(max($seconds, 0))) {
        if ($self->{listener} && $handle == $self->{listener}) {
            my $smpp = $self->{listener}->accept or next;
            $self->{on_accept}->($self, $smpp);
            next;
        }
        $self->_read($by_fileno{ fileno $handle });
    }
}

sub _send_next {
    my ($self, $connection) = @_;
    return if $connection->{closed} || $connection->{inflight} || !@{ $connection->{queue} };
    my $ticket = shift @{ $connection->{queue} };
    my $method = $ticket->{method};
    $ticket->{seq} = $connection->{smpp}->$method(@{ $ticket->{args} }, async => 1);
    $connection->{inflight} = $ticket;
}

sub _read {
    my ($self, $connection) = @_;
    # Net::SMPP warns (premature eof, unknown TLV tags) instead of returning the reason;
    # keep those lines with the test's notes rather than on stderr.
    local $SIG{__WARN__} = sub { $self->note("Net::SMPP on $connection->{name}: $_[0]") };
    my $pdu = $connection->{smpp}->read_pdu;
    if (!$pdu) {
        $connection->{closed} = 1;
        close $connection->{smpp};
        $self->note("$connection->{name}: connection closed by smppgwd");
        return;
    }
    my $name = Net::SMPP::pdu_tab->{ $pdu->{cmd} }{cmd} // sprintf('0x%08X', $pdu->{cmd});
    if ($pdu->{cmd} & RESPONSE_BIT) {
        my $ticket = $connection->{inflight};
        if ($ticket && $ticket->{seq} == $pdu->{seq}) {
            $ticket->{response} = $pdu;
            $connection->{inflight} = undef;
            $self->_send_next($connection);
        } else {
            $self->note("$connection->{name}: $name seq $pdu->{seq} answers nothing outstanding");
            push @{ $connection->{stray_responses} }, $pdu;
        }
        return;
    }
    $connection->{enquire_links}++ if $name eq 'enquire_link';
    $connection->{unbinds}++       if $name eq 'unbind';
    $self->{on_request}->($self, $connection, $pdu, $name);
}

# A TLV value as Net::SMPP decodes it is the raw octets; a C-octet string keeps its NUL.
sub c_string {
    my ($value) = @_;
    return undef unless defined $value;
    $value =~ s/\0\z//;
    return $value;
}

1;
