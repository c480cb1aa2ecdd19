#include "LeftToRightDelegate.h"

namespace Switchyard {

void LeftToRightDelegate::initStyleOption(QStyleOptionViewItem* option,
                                          const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    option->direction = Qt::LeftToRight;
}

} // namespace Switchyard
