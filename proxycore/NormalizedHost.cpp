#include "NormalizedHost.h"

#include <QHostAddress>
#include <QUrl>

namespace Switchyard {

namespace {

bool isAsciiLower(QStringView s)
{
    for (QChar c : s) {
        if (c.unicode() >= 0x80 || (c.unicode() >= 'A' && c.unicode() <= 'Z'))
            return false;
    }
    return true;
}

bool isAscii(QStringView s)
{
    for (QChar c : s) {
        if (c.unicode() >= 0x80)
            return false;
    }
    return true;
}

// Only these can start an IP literal QHostAddress accepts: a digit for every IPv4
// form (decimal, octal, hex), and IPv6 always has a colon.
bool mayBeIpLiteral(QStringView s)
{
    if (s.isEmpty())
        return false;
    const char16_t first = s.front().unicode();
    return (first >= '0' && first <= '9') || s.contains(u':');
}

// The canonical dotted quad ("192.0.2.1": four decimal parts, no leading zeros),
// which is what clients send almost always: parsed here without QHostAddress (which
// copies, simplifies and allocates). Anything else goes the QHostAddress way.
bool parseCanonicalIpv4(QStringView s, quint32* address)
{
    quint32 value = 0;
    int parts = 0;
    qsizetype i = 0;
    while (parts < 4) {
        if (i >= s.size() || s[i] < u'0' || s[i] > u'9')
            return false;
        if (s[i] == u'0' && i + 1 < s.size() && s[i + 1] != u'.')
            return false; // leading zero: octal to inet_aton, leave it to QHostAddress
        quint32 part = 0;
        qsizetype digits = 0;
        while (i < s.size() && s[i] >= u'0' && s[i] <= u'9' && digits < 4) {
            part = part * 10 + (s[i].unicode() - '0');
            ++i;
            ++digits;
        }
        if (part > 255 || digits > 3)
            return false;
        value = value << 8 | part;
        ++parts;
        if (parts < 4) {
            if (i >= s.size() || s[i] != u'.')
                return false;
            ++i;
        }
    }
    if (i != s.size())
        return false;
    *address = value;
    return true;
}

bool validLabelChar(char16_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

} // namespace

QString NormalizedHost::withPort(quint16 port) const
{
    if (kind == Kind::Ipv6)
        return u'[' + text + QStringLiteral("]:") + QString::number(port);
    return text + u':' + QString::number(port);
}

NormalizedHost NormalizedHost::fromInput(const QString& host)
{
    NormalizedHost out;
    QStringView view(host);
    if (view.size() >= 2 && view.front() == u'[' && view.back() == u']')
        view = view.sliced(1, view.size() - 2);
    if (view.size() > 1 && view.back() == u'.')
        view.chop(1);

    // The common case, an ASCII lower-case name, costs no allocation at all.
    if (view.size() == host.size() && isAsciiLower(view))
        out.text = host;
    else if (isAscii(view))
        out.text = view.toString().toLower();
    else {
        // toAce refuses names that are not valid IDNA; then keep the lower-cased text,
        // which still matches keyword or regex rules but no domain rule by accident.
        const QByteArray ace = QUrl::toAce(view.toString());
        out.text = ace.isEmpty() ? view.toString().toLower() : QString::fromLatin1(ace).toLower();
    }

    if (!mayBeIpLiteral(out.text))
        return out;
    if (parseCanonicalIpv4(out.text, &out.ipv4)) {
        out.kind = Kind::Ipv4;
        return out;
    }
    QHostAddress address;
    QString literal = out.text;
    if (const qsizetype percent = literal.indexOf(u'%'); percent >= 0 && literal.contains(u':'))
        literal.truncate(percent); // a zone (fe80::1%eth0) does not change which rules apply
    if (!address.setAddress(literal))
        return out;
    if (address.protocol() == QAbstractSocket::IPv4Protocol) {
        out.kind = Kind::Ipv4;
        out.ipv4 = address.toIPv4Address();
        out.text = address.toString();
        return out;
    }
    const Q_IPV6ADDR v6 = address.toIPv6Address();
    bool mapped = v6[10] == 0xff && v6[11] == 0xff;
    for (int i = 0; i < 10 && mapped; ++i)
        mapped = v6[i] == 0;
    if (mapped) {
        out.kind = Kind::Ipv4;
        out.ipv4 = quint32(v6[12]) << 24 | quint32(v6[13]) << 16 | quint32(v6[14]) << 8 | v6[15];
        out.text = QHostAddress(out.ipv4).toString();
        return out;
    }
    out.kind = Kind::Ipv6;
    for (int i = 0; i < 16; ++i)
        out.ipv6[i] = v6[i];
    out.text = QHostAddress(v6).toString();
    return out;
}

QString NormalizedHost::aceName(QStringView name, QString* error)
{
    QStringView view = name.trimmed();
    if (view.size() > 1 && view.back() == u'.')
        view.chop(1);
    if (view.isEmpty()) {
        *error = QStringLiteral("empty host name");
        return {};
    }
    QString ace;
    if (isAscii(view)) {
        ace = view.toString().toLower();
    } else {
        ace = QString::fromLatin1(QUrl::toAce(view.toString())).toLower();
        if (ace.isEmpty()) {
            *error = QStringLiteral("\"%1\" is not a valid internationalised host name")
                         .arg(view.toString());
            return {};
        }
    }
    if (ace.size() > 253) {
        *error = QStringLiteral("host name longer than 253 characters");
        return {};
    }
    qsizetype labelStart = 0;
    for (qsizetype i = 0; i <= ace.size(); ++i) {
        if (i == ace.size() || ace.at(i) == u'.') {
            const qsizetype length = i - labelStart;
            if (length == 0) {
                *error = QStringLiteral("\"%1\" has an empty label").arg(ace);
                return {};
            }
            if (length > 63) {
                *error = QStringLiteral("\"%1\" has a label longer than 63 characters").arg(ace);
                return {};
            }
            labelStart = i + 1;
            continue;
        }
        if (!validLabelChar(ace.at(i).unicode())) {
            *error = QStringLiteral("\"%1\" contains '%2', which no host name can contain")
                         .arg(view.toString(), ace.at(i));
            return {};
        }
    }
    return ace;
}

} // namespace Switchyard
