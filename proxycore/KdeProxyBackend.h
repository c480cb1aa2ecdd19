#pragma once

#include "SystemProxyBackend.h"

#include <QCoreApplication>
#include <QMap>
#include <optional>

namespace Switchyard {

/// KDE Plasma: the [Proxy Settings] group of kioslaverc, written with
/// kwriteconfig6 (or kwriteconfig5) and read with the matching kreadconfig;
/// KIO is then told to reload with the reparseSlaveConfiguration D-Bus signal.
///
/// A key that was not in the file is deleted again on restore, not written
/// empty: kreadconfig cannot say "unset", so it is asked with two different
/// defaults and a key that echoes both is taken as absent.
class KdeProxyBackend : public SystemProxyBackend
{
    Q_DECLARE_TR_FUNCTIONS(KdeProxyBackend)
public:
    /// Key → value; nullopt for a key absent from the file.
    using Values = QMap<QString, std::optional<QString>>;

    QString name() const override;
    QString displayName() const override;
    QString unavailableReason() const override;
    QString read(QJsonObject* snapshot) override;
    QString apply(const SystemProxyTarget& target) override;
    QString restore(const QJsonObject& snapshot) override;
    bool pointsAt(const QJsonObject& snapshot, const SystemProxyTarget& target) const override;

    /// What apply() writes for target into [Proxy Settings].
    static QMap<QString, QString> valuesFor(const SystemProxyTarget& target);
    /// The keys read and restored.
    static QStringList managedKeys();

private:
    QString tool(const QString& kind) const; // "write" or "read": the full path, or empty
    QString readValues(Values* values);
    QString readKey(const QString& key, std::optional<QString>* value);
    QString writeKey(const QString& key, const std::optional<QString>& value);
    QString writeAll(const Values& values);
    void notifyKio();
    static QJsonObject toJson(const Values& values);
    static Values fromJson(const QJsonObject& snapshot, QString* error);
};

} // namespace Switchyard
