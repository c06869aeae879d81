# The three ways a carrier marks the parts of a long MO (smpp-notes §9: UDH with an 8-bit or
# a 16-bit reference, or SAR TLVs), built as Net::SMPP request arguments, and the reading of
# the concatenation UDH at the start of an MT part, and the checks every long MT must pass.
package SmsConcat;

use strict;
use warnings;

use Exporter 'import';
our @EXPORT_OK = qw(mo_part_args concat_udh check_long_mt_parts);

use Test::More;

use constant ESM_UDHI => 0x40;

# The esm_class, short_message and TLV arguments of part $seq of $total.
# Net::SMPP writes a named TLV's value as the octets given (pack 'a*'): sar_total_segments => 3
# would go out as the character "3" (0x33, 51 segments). So the integers are packed here at
# the sizes the spec gives (sar_msg_ref_num I2, the others I1). Its numeric-tag form would
# pick 1, 2 or 4 octets from the value's magnitude, signed: a reference of 300 would go out
# as 2 octets but one of 100 as 1.
sub mo_part_args {
    my ($style, $reference, $seq, $total, $text) = @_;
    if ($style eq 'udh8') {
        return (esm_class => ESM_UDHI,
            short_message => pack('C6', 5, 0x00, 3, $reference & 0xFF, $total, $seq) . $text);
    }
    if ($style eq 'udh16') {
        return (esm_class => ESM_UDHI,
            short_message => pack('CCCnCC', 6, 0x08, 4, $reference & 0xFFFF, $total, $seq) . $text);
    }
    if ($style eq 'sar') {
        return (esm_class => 0, short_message => $text,
            sar_msg_ref_num    => pack('n', $reference & 0xFFFF),
            sar_total_segments => pack('C', $total),
            sar_segment_seqnum => pack('C', $seq));
    }
    die "unknown concatenation style '$style'\n";
}

# The concatenation IE of a short_message that starts with a UDH:
# { reference, total, seq, iei, payload } or undef when there is none.
sub concat_udh {
    my ($short_message) = @_;
    return undef unless length $short_message;
    my $udhl = ord substr($short_message, 0, 1);
    return undef if $udhl + 1 > length $short_message;
    my $ies = substr($short_message, 1, $udhl);
    my $payload = substr($short_message, $udhl + 1);
    while (length($ies) >= 2) {
        my ($iei, $length) = unpack 'CC', $ies;
        my $data = substr($ies, 2, $length);
        if ($iei == 0x00 && $length == 3) {
            my ($reference, $total, $seq) = unpack 'CCC', $data;
            return { iei => $iei, reference => $reference, total => $total, seq => $seq,
                payload => $payload };
        }
        if ($iei == 0x08 && $length == 4) {
            my ($reference, $total, $seq) = unpack 'nCC', $data;
            return { iei => $iei, reference => $reference, total => $total, seq => $seq,
                payload => $payload };
        }
        $ies = substr($ies, 2 + $length);
    }
    return undef;
}

# The checks of a 3-part MT as it arrived (the short_message and esm_class of each part, in
# arrival order): UDHI set on every part, `05 00 03 ref 03 seq` for parts 1..3, one reference
# for all, and the payloads joined give $text.
sub check_long_mt_parts {
    my ($parts, $text) = @_;
    my @udh = map { concat_udh($_->{short_message}) } @$parts;
    ok(!grep({ !($_->{esm_class} & ESM_UDHI) } @$parts), 'every part has UDHI set');
    is_deeply([map { $_ && [$_->{iei}, $_->{total}, $_->{seq}] } @udh],
        [[0, 3, 1], [0, 3, 2], [0, 3, 3]], 'UDH 05 00 03 ref 03 seq for parts 1..3');
    is(scalar(keys %{ { map { ($_ ? $_->{reference} : -1) => 1 } @udh } }), 1,
        'one reference for all parts');
    is(join('', map { $_ ? $_->{payload} : '' } @udh), $text, 'the parts make the text');
}

1;
