#pragma once

#include <QAbstractTableModel>
#include <QIcon>
#include <QSet>
#include <QStringList>

namespace Switchyard {

class SettingsController;

/// The exits (upstream proxy profiles) of the settings as a table: name, type,
/// host:port and status. The status says what a user needs to know before
/// routing through an exit: never checked, OK with its latency, failing with
/// the reason, a check running, or waiting for its password (then its traffic
/// is blocked). Follows the controller's signals, whoever made the change.
class ExitListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, TypeColumn, AddressColumn, StatusColumn, ColumnCount };
    enum class Status { Unchecked, Checking, Ok, Failing, WaitingForPassword };
    enum Role {
        ProfileIdRole = Qt::UserRole + 1, ///< the exit's id, on every column
        StatusRole,                       ///< int(Status)
    };

    explicit ExitListModel(SettingsController* controller, QObject* parent = nullptr);

    void setStatusIcons(const QIcon& ok, const QIcon& warning);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// The row of the exit with this id, or -1.
    int rowOf(const QString& profileId) const;
    QString profileIdAt(int row) const { return m_ids.value(row); }
    Status status(const QString& profileId) const;
    QString statusText(const QString& profileId) const;

    /// A check of the exit is running (or no longer is).
    void setChecking(const QString& profileId, bool checking);

private:
    void reload();
    void refreshStatus(const QString& profileId);
    void refreshAllStatus();

    SettingsController* m_controller;
    QStringList m_ids; ///< row order = the controller's profile order
    QSet<QString> m_checking;
    QIcon m_okIcon;
    QIcon m_warningIcon;
};

} // namespace Switchyard
