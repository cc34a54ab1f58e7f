#pragma once
// One member in the members panel: a presence dot, the name (plain text), "(you)", "typing…".

#include <QStyledItemDelegate>

namespace confab {

class MemberDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

} // namespace confab
