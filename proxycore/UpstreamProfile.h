#pragma once

#include <QMetaType>
#include <QString>

namespace Switchyard {

/// An exit: an upstream proxy that connections can be routed through. The
/// password lives in the OS keychain; here it is only ever held in memory.
struct UpstreamProfile
{
    enum class Type { Http, Https, Socks5, Socks4a };

    QString id;   ///< stable identifier (also the keychain entry's key)
    QString name; ///< what the user calls it; shown in logs and pickers
    Type type = Type::Http;
    QString host;
    quint16 port = 0;
    QString username;
    QString password;             ///< never written to settings, exports or logs
    bool resolveAtExit = true;    ///< SOCKS5: send names, not addresses (socks5h)
    bool allowSelfSigned = false; ///< HTTPS: accept any certificate (shown as a warning)

    /// Parses http://, https://, socks5://, socks5h://, socks4a:// (and socks4://)
    /// URIs with optional percent-encoded user:password@. On failure returns a
    /// profile with an empty host and sets *error to a readable reason.
    static UpstreamProfile fromUri(const QString& uri, QString* error);
    /// The URI form; the password only when asked for (never in logs).
    QString toUri(bool withPassword = false) const;
    /// An empty string when usable, otherwise what is wrong.
    QString validate() const;
    /// "HTTP", "HTTPS", "SOCKS5", "SOCKS4a".
    static QString typeName(Type type);
    /// Default port of each type.
    static quint16 defaultPort(Type type);
    /// A new random id.
    static QString newId();

    bool operator==(const UpstreamProfile& other) const = default;
};

} // namespace Switchyard

Q_DECLARE_METATYPE(Switchyard::UpstreamProfile)
