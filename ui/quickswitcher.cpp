#include "quickswitcher.h"

#include "conversationdelegate.h"
#include "conversationlistmodel.h"

#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QSortFilterProxyModel>
#include <QVBoxLayout>

namespace confab {

namespace {
constexpr int SwitcherWidth = 420;
constexpr int SwitcherHeight = 360;
} // namespace

QuickSwitcher::QuickSwitcher(QAbstractItemModel *conversations, QWidget *parent)
    : QDialog(parent)
    , m_filter(new QSortFilterProxyModel(this))
    , m_field(new QLineEdit(this))
    , m_list(new QListView(this))
{
    setWindowTitle(tr("Switch Conversation"));
    setAttribute(Qt::WA_DeleteOnClose);
    m_filter->setSourceModel(conversations);
    m_filter->setFilterRole(ConversationListModel::TitleRole);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_field->setPlaceholderText(tr("Type part of a channel or member name"));
    m_field->setClearButtonEnabled(true);
    m_field->installEventFilter(this);
    m_list->setModel(m_filter);
    m_list->setItemDelegate(new ConversationDelegate(m_list));
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    auto *hint = new QLabel(tr("↑↓ to choose, Enter to open, Esc to close"), this);
    hint->setForegroundRole(QPalette::PlaceholderText);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_field);
    layout->addWidget(m_list, 1);
    layout->addWidget(hint);
    resize(SwitcherWidth, SwitcherHeight);

    connect(m_field, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_filter->setFilterFixedString(text.trimmed());
        selectFirst();
    });
    connect(m_field, &QLineEdit::returnPressed, this, &QuickSwitcher::chooseCurrent);
    connect(m_list, &QListView::activated, this, &QuickSwitcher::chooseCurrent);
    connect(m_list, &QListView::clicked, this, &QuickSwitcher::chooseCurrent);
    selectFirst();
    m_field->setFocus();
}

QLineEdit *QuickSwitcher::filterField() const
{
    return m_field;
}

QListView *QuickSwitcher::list() const
{
    return m_list;
}

void QuickSwitcher::selectFirst()
{
    if (m_filter->rowCount() > 0)
        m_list->setCurrentIndex(m_filter->index(0, 0));
}

void QuickSwitcher::chooseCurrent()
{
    QModelIndex current = m_list->currentIndex();
    if (!current.isValid() && m_filter->rowCount() > 0)
        current = m_filter->index(0, 0);
    if (!current.isValid())
        return; // nothing matches: stay open, the user can type something else
    const QString id = current.data(ConversationListModel::IdRole).toString();
    accept();
    emit conversationChosen(id);
}

bool QuickSwitcher::eventFilter(QObject *watched, QEvent *event)
{
    // Up and Down move in the list while the typing stays in the field.
    if (watched == m_field && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Down || key == Qt::Key_Up) {
            const int rows = m_filter->rowCount();
            if (rows > 0) {
                const int row = m_list->currentIndex().row();
                const int next = key == Qt::Key_Down ? qMin(rows - 1, row + 1) : qMax(0, row - 1);
                m_list->setCurrentIndex(m_filter->index(next, 0));
            }
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace confab
