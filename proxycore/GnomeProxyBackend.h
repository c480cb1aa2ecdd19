#pragma once

#include "SystemProxyBackend.h"

#include <QCoreApplication>
#include <QMap>
#include <optional>

namespace Switchyard {

/// GNOME and the desktops that read its settings (Unity, Cinnamon, Budgie …):
/// org.gnome.system.proxy and its http, https, socks and ftp children, through
/// the gsettings tool.
///
/// Exactness: a key the user never set (it follows the schema's default) is
/// told apart from one set to the same value by reading dconf's own database
/// (`dconf dump /system/proxy/`), and restore() puts the first kind back with
/// `gsettings reset` rather than `set`. Without the dconf tool (or with another
/// GSettings backend) every key is taken as set: the values still come back,
/// only the "follows the default" state may not.
///
/// The http authentication user and password are never changed, so they are
/// never read: the journal on disk holds no password.
///
/// gsettings exits 0 and quietly loses the change when there is no session
/// bus; every apply() and restore() therefore reads the settings back and
/// reports a change that did not take.
class GnomeProxyBackend : public SystemProxyBackend
{
    Q_DECLARE_TR_FUNCTIONS(GnomeProxyBackend)
public:
    /// One key's state: its value as GVariant text ("'manual'", "8080",
    /// "['localhost', '::1']") and whether the user set it.
    struct KeyState
    {
        QString value;
        bool userSet = true;
        bool operator==(const KeyState& other) const = default;
    };
    /// "org.gnome.system.proxy.http port" → state.
    using KeyStates = QMap<QString, KeyState>;

    QString name() const override;
    QString displayName() const override;
    QString unavailableReason() const override;
    QString read(QJsonObject* snapshot) override;
    QString apply(const SystemProxyTarget& target) override;
    QString restore(const QJsonObject& snapshot) override;
    bool pointsAt(const QJsonObject& snapshot, const SystemProxyTarget& target) const override;

    /// The values apply() writes for target, keyed like KeyStates.
    static QMap<QString, QString> valuesFor(const SystemProxyTarget& target);
    /// GVariant text for a string: quoted and escaped as gsettings prints it.
    static QString gvariantString(const QString& text);
    /// GVariant text for an array of strings.
    static QString gvariantStringArray(const QStringList& list);

private:
    QString readStates(KeyStates* states);
    QString write(const QString& schemaKey, const std::optional<QString>& value);
    static QJsonObject toJson(const KeyStates& states);
    static KeyStates fromJson(const QJsonObject& snapshot, QString* error);
};

} // namespace Switchyard
