#pragma once

#include <QString>
#include <QStringView>
#include <QtGlobal>
#include <array>

namespace Switchyard {

/// A destination host in the one form every rule is compared against: lower case,
/// no trailing dot, internationalised names in punycode (ACE), IPv6 without
/// brackets or zone, IPv4-mapped IPv6 (::ffff:a.b.c.d) turned into plain IPv4.
/// IP literals are recognised exactly as QHostAddress (and so the engine's Resolver)
/// recognises them, short and octal forms included, so that a CIDR rule sees the
/// address the connection will really go to.
struct NormalizedHost
{
    enum class Kind { Name, Ipv4, Ipv6 };

    QString text; ///< the normalised host ("xn--bcher-kva.example", "10.0.0.1", "2001:db8::1")
    Kind kind = Kind::Name;
    quint32 ipv4 = 0;                 ///< for Kind::Ipv4, host byte order
    std::array<quint8, 16> ipv6 = {}; ///< for Kind::Ipv6, network byte order

    bool isIp() const { return kind != Kind::Name; }
    /// "host:port" with brackets around IPv6, what URL regexes see for tunnels.
    QString withPort(quint16 port) const;

    /// Normalises a host as a client named it. Never fails: a string that is not a
    /// valid name is only lower-cased, so that it still matches nothing by accident.
    static NormalizedHost fromInput(const QString& host);

    /// Turns a host name written by a user (any case, Unicode, trailing dot) into its
    /// ACE form, or sets *error and returns an empty string when it is not a valid
    /// DNS name (labels of letters, digits, '-' and '_', 1..63 characters each).
    static QString aceName(QStringView name, QString* error);
};

} // namespace Switchyard
