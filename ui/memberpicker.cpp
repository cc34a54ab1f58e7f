#include "memberpicker.h"

#include "hubconnection.h"
#include "memberdelegate.h"
#include "membermodel.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QVBoxLayout>

namespace confab {

namespace {

constexpr int PickerWidth = 360;
constexpr int PickerHeight = 400;

// Everyone but the user, narrowed down by part of the name.
class OthersFilter : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        const QModelIndex index = sourceModel()->index(row, 0, parent);
        return !index.data(MemberModel::IsSelfRole).toBool()
            && QSortFilterProxyModel::filterAcceptsRow(row, parent);
    }
};

} // namespace

MemberPicker::MemberPicker(HubConnection *connection, QWidget *parent)
    : QDialog(parent)
    , m_connection(connection)
    , m_filter(new OthersFilter(this))
    , m_field(new QLineEdit(this))
    , m_list(new QListView(this))
    , m_error(new QLabel(this))
{
    setWindowTitle(tr("Message a Member"));
    setAttribute(Qt::WA_DeleteOnClose);
    m_filter->setFilterRole(MemberModel::NameRole);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    if (connection)
        m_filter->setSourceModel(connection->members());
    m_field->setPlaceholderText(tr("Type part of a name"));
    m_field->setClearButtonEnabled(true);
    m_list->setModel(m_filter);
    m_list->setItemDelegate(new MemberDelegate(m_list));
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral(
        "QLabel { color: #a00; background: #fdecea; padding: 6px; border-radius: 4px; }"));
    m_error->hide();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton *open = buttons->addButton(tr("Message"), QDialogButtonBox::AcceptRole);
    open->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_field);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    resize(PickerWidth, PickerHeight);

    connect(m_field, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_filter->setFilterFixedString(text.trimmed());
        if (m_filter->rowCount() > 0)
            m_list->setCurrentIndex(m_filter->index(0, 0));
    });
    connect(m_field, &QLineEdit::returnPressed, this, &MemberPicker::pickCurrent);
    connect(m_list, &QListView::activated, this, &MemberPicker::pickCurrent);
    connect(buttons, &QDialogButtonBox::accepted, this, &MemberPicker::pickCurrent);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    if (m_filter->rowCount() > 0)
        m_list->setCurrentIndex(m_filter->index(0, 0));
    if (!connection)
        return;
    connect(connection, &HubConnection::actionFailed, this,
            [this](const QString &what, const QString &reason) {
                if (!m_pending || what != QLatin1StringView(HubConnection::ActionDirectMessage))
                    return;
                m_pending = false;
                m_error->setText(reason);
                m_error->show();
            });
    connect(connection, &HubConnection::conversationOpened, this, [this] {
        if (m_pending)
            accept(); // the window opens the DM
    });
}

QLineEdit *MemberPicker::filterField() const
{
    return m_field;
}

QListView *MemberPicker::list() const
{
    return m_list;
}

QLabel *MemberPicker::errorLabel() const
{
    return m_error;
}

void MemberPicker::pickCurrent()
{
    QModelIndex current = m_list->currentIndex();
    if (!current.isValid() && m_filter->rowCount() > 0)
        current = m_filter->index(0, 0);
    if (!current.isValid() || !m_connection || m_pending) {
        if (!current.isValid()) {
            m_error->setText(tr("Nobody by that name. Members appear here once they have signed "
                                "in to this hub."));
            m_error->show();
        }
        return;
    }
    m_error->hide();
    m_pending = true;
    m_connection->openDirectMessage(current.data(MemberModel::MemberIdRole).toString());
}

} // namespace confab
