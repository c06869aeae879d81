# The real smppgwd for the Net::SMPP interop tests: started from the build with a generated
# configuration, its own temporary state_dir and free 127.0.0.1 ports, output in a log file
# shown when a test fails; its admin HTTP API is reached with the token it writes.
package SmppgwdProcess;

use strict;
use warnings;

use File::Path qw(remove_tree);
use File::Temp qw(tempdir);
use HTTP::Tiny;
use IO::Socket::INET;
use JSON::PP;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep time);

# A port the kernel just handed out and released: nothing of ours listens on it, and the
# daemon binds it a moment later (the same approach as daemon_interop.js).
sub free_port {
    my $socket = IO::Socket::INET->new(
        LocalAddr => '127.0.0.1',
        LocalPort => 0,
        Listen    => 1,
        ReuseAddr => 1,
    ) or die "cannot bind a free port: $!\n";
    my $port = $socket->sockport;
    close $socket;
    return $port;
}

sub new {
    my ($class, %args) = @_;
    my $self = bless {
        binary     => $args{binary},
        dir        => tempdir('smppgwd-netsmpp-XXXXXX', TMPDIR => 1),
        admin_port => free_port(),
        pid        => undef,
        status     => undef,
        json       => JSON::PP->new->utf8->canonical,
    }, $class;
    die "smppgwd binary '$args{binary}' is not executable\n" unless -x $self->{binary};
    return $self;
}

sub dir        { $_[0]{dir} }
sub admin_port { $_[0]{admin_port} }
sub log_file   { "$_[0]{dir}/smppgwd.log" }

# The configuration lines every test shares; the test adds smpp: and campaigns:.
sub common_config {
    my ($self) = @_;
    return <<"YAML";
company: Acme Health
default_region: US
state_dir: $self->{dir}/state
store: { map_size: 64MiB, durability: fsync }
log: { level: debug }
admin:
  listen: 127.0.0.1:$self->{admin_port}
  token_file: $self->{dir}/admin.token
YAML
}

# Writes the configuration, starts the daemon and waits until its admin port answers and the
# token is written (the store is open then). Dies with the log if it exits or never answers.
sub start {
    my ($self, $config) = @_;
    my $file = "$self->{dir}/smppgw.yaml";
    open my $out, '>', $file or die "cannot write $file: $!\n";
    print {$out} $config;
    close $out;

    my $pid = fork;
    die "fork failed: $!\n" unless defined $pid;
    if ($pid == 0) {
        open STDOUT, '>', $self->log_file or POSIX::_exit(127);
        open STDERR, '>&', \*STDOUT or POSIX::_exit(127);
        open STDIN, '<', '/dev/null';
        exec $self->{binary}, '--config', $file or POSIX::_exit(127);
    }
    $self->{pid} = $pid;

    my $deadline = time + 20;
    while (time < $deadline) {
        die "smppgwd exited at start-up (status $self->{status}):\n" . $self->log_tail . "\n"
            if $self->exited;
        my $probe = HTTP::Tiny->new(timeout => 2)->get("http://127.0.0.1:$self->{admin_port}/healthz");
        if ($probe->{status} != 599 && -s "$self->{dir}/admin.token") {
            open my $in, '<', "$self->{dir}/admin.token" or die "cannot read the token: $!\n";
            chomp($self->{token} = <$in> // '');
            close $in;
            return if length $self->{token};
        }
        sleep 0.05;
    }
    die "smppgwd did not answer on its admin port within 20 s:\n" . $self->log_tail . "\n";
}

# One admin API call: returns (HTTP status, decoded JSON body or the raw text).
sub api {
    my ($self, $method, $path, $body) = @_;
    my %options = (headers => { Authorization => "Bearer $self->{token}" });
    if (defined $body) {
        $options{headers}{'Content-Type'} = 'application/json';
        $options{content} = $self->{json}->encode($body);
    }
    my $response = HTTP::Tiny->new(timeout => 10)
        ->request($method, "http://127.0.0.1:$self->{admin_port}$path", \%options);
    my $decoded = eval { $self->{json}->decode($response->{content}) };
    return ($response->{status}, $decoded // $response->{content});
}

# Runs $peer's loop (the carrier's side answered meanwhile) until GET /v1/messages/{id} says
# $status. Returns the last record read, so that a failing check shows the status it saw.
sub wait_message_status {
    my ($self, $peer, $id, $status) = @_;
    my $record = {};
    eval {
        $peer->wait_for("message $id to become $status", sub {
            my ($code, $body) = $self->api('GET', "/v1/messages/$id");
            $record = $body if $code == 200 && ref $body eq 'HASH';
            return ($record->{status} // '') eq $status;
        });
        1;
    } or $peer->note($@);
    return $record;
}

sub signal {
    my ($self, $name) = @_;
    kill $name, $self->{pid} if $self->{pid} && !defined $self->{status};
}

# True once the process has exited; its exit code (or 128 + signal) is then in status().
sub exited {
    my ($self) = @_;
    return 1 if defined $self->{status};
    return 0 unless $self->{pid};
    return 0 if waitpid($self->{pid}, WNOHANG) != $self->{pid};
    $self->{status} = ($? & 127) ? 128 + ($? & 127) : $? >> 8;
    return 1;
}

sub status { $_[0]{status} }

sub log_tail {
    my ($self, $bytes) = @_;
    $bytes //= 8000;
    open my $in, '<', $self->log_file or return '(no log)';
    local $/;
    my $text = <$in> // '';
    close $in;
    return length($text) > $bytes ? substr($text, -$bytes) : $text;
}

# A daemon still running when the test ends (it failed midway) is killed; the temporary
# directory is kept after a failure so that its log and store can be looked at.
sub finish {
    my ($self, $passed) = @_;
    if ($self->{pid} && !$self->exited) {
        kill 'KILL', $self->{pid};
        waitpid $self->{pid}, 0;
        $self->{status} = 137;
    }
    remove_tree($self->{dir}) if $passed;
}

1;
