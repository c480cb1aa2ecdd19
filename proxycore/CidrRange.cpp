#include "CidrRange.h"

#include <QHostAddress>

namespace Switchyard {

quint32 CidrRange::v4Mask(int prefixLength)
{
    return prefixLength <= 0 ? 0u : ~quint32(0) << (32 - prefixLength);
}

std::array<quint8, 16> CidrRange::v6Masked(const std::array<quint8, 16>& address, int prefixLength)
{
    std::array<quint8, 16> out = address;
    for (int i = 0; i < 16; ++i) {
        const int bitsHere = prefixLength - i * 8;
        if (bitsHere >= 8)
            continue;
        out[i] = bitsHere <= 0 ? 0 : quint8(out[i] & (0xff << (8 - bitsHere)));
    }
    return out;
}

CidrRange CidrRange::parse(QStringView text, QString* error)
{
    CidrRange out;
    const QStringView trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        *error = QStringLiteral("empty CIDR range");
        return {};
    }
    const qsizetype slash = trimmed.indexOf(u'/');
    QStringView addressPart = slash < 0 ? trimmed : trimmed.first(slash);
    if (addressPart.size() >= 2 && addressPart.front() == u'[' && addressPart.back() == u']')
        addressPart = addressPart.sliced(1, addressPart.size() - 2);
    QHostAddress address;
    // Only dotted forms here: a rule "10" meaning 0.0.0.10 would surprise everyone.
    const bool looksV4 = !addressPart.contains(u':');
    if (looksV4 && addressPart.count(u'.') != 3) {
        *error = QStringLiteral("\"%1\" is not an IP address (write all four parts, "
                                "e.g. 10.0.0.0/8)")
                     .arg(addressPart.toString());
        return {};
    }
    if (!address.setAddress(addressPart.toString()) || !address.scopeId().isEmpty()) {
        *error = QStringLiteral("\"%1\" is not an IP address").arg(addressPart.toString());
        return {};
    }
    out.isV6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    const int maxLength = out.isV6 ? 128 : 32;
    out.prefixLength = maxLength;
    if (slash >= 0) {
        const QStringView lengthPart = trimmed.sliced(slash + 1);
        bool ok = false;
        const int length = lengthPart.toInt(&ok);
        if (!ok || lengthPart.isEmpty() || !lengthPart.front().isDigit() || length < 0 ||
            length > maxLength) {
            *error = QStringLiteral("prefix length \"%1\" must be a number from 0 to %2")
                         .arg(lengthPart.toString())
                         .arg(maxLength);
            return {};
        }
        out.prefixLength = length;
    }
    if (!out.isV6) {
        out.v4 = address.toIPv4Address();
    } else {
        const Q_IPV6ADDR raw = address.toIPv6Address();
        for (int i = 0; i < 16; ++i)
            out.v6[i] = raw[i];
        bool mapped = out.v6[10] == 0xff && out.v6[11] == 0xff && out.prefixLength >= 96;
        for (int i = 0; i < 10 && mapped; ++i)
            mapped = out.v6[i] == 0;
        if (mapped) {
            out.isV6 = false;
            out.v4 = quint32(out.v6[12]) << 24 | quint32(out.v6[13]) << 16 |
                     quint32(out.v6[14]) << 8 | out.v6[15];
            out.prefixLength -= 96;
            out.v6 = {};
        }
    }
    const bool hostBitsSet = out.isV6 ? out.v6 != v6Masked(out.v6, out.prefixLength)
                                      : (out.v4 & ~v4Mask(out.prefixLength)) != 0;
    if (hostBitsSet) {
        CidrRange fixed = out;
        fixed.v4 &= v4Mask(out.prefixLength);
        fixed.v6 = v6Masked(out.v6, out.prefixLength);
        *error = QStringLiteral("\"%1\" has host bits set; did you mean %2?")
                     .arg(trimmed.toString(), fixed.toString());
        return {};
    }
    return out;
}

QString CidrRange::toString() const
{
    if (!isV6)
        return QHostAddress(v4).toString() + u'/' + QString::number(prefixLength);
    Q_IPV6ADDR raw;
    for (int i = 0; i < 16; ++i)
        raw[i] = v6[i];
    return QHostAddress(raw).toString() + u'/' + QString::number(prefixLength);
}

bool CidrRange::contains(const NormalizedHost& host) const
{
    if (isV6)
        return host.kind == NormalizedHost::Kind::Ipv6 && v6Masked(host.ipv6, prefixLength) == v6;
    return host.kind == NormalizedHost::Kind::Ipv4 && (host.ipv4 & v4Mask(prefixLength)) == v4;
}

} // namespace Switchyard
