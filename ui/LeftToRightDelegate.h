#pragma once

#include <QStyledItemDelegate>

namespace Switchyard {

/// Draws a cell's text left to right whatever the layout direction. Host
/// names, URLs, addresses and times are Latin-script technical text: in a
/// right-to-left window (Persian) the bidi algorithm would otherwise move a
/// path's leading "/" to its end. The column's alignment is kept.
class LeftToRightDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;
};

} // namespace Switchyard
