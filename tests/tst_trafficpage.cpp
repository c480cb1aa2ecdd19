// The traffic page on the offscreen platform, driven like a user would: typing
// in the filter, Ctrl+F / Ctrl+L / Enter, the context menu asking for a rule,
// tail following, pause, and HAR export and import.

#include "HarReader.h"
#include "TrafficDetailsPane.h"
#include "TrafficFilterBar.h"
#include "TrafficFilterModel.h"
#include "TrafficModel.h"
#include "TrafficPage.h"
#include "TrafficView.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QToolButton>
#include <algorithm>

using namespace Switchyard;

namespace {

LogEvent makeEvent(quint64 id, const QString& host, LogPhase phase = LogPhase::Finished)
{
    LogEvent e;
    e.id = id;
    e.phase = phase;
    e.startedAtMs = 1'700'000'000'000 + qint64(id) * 10;
    e.clientAddress = QStringLiteral("127.0.0.1:5%1").arg(id % 1000, 4, 10, QLatin1Char('0'));
    e.method = id % 5 == 0 ? QByteArray("POST") : QByteArray("GET");
    e.host = host;
    e.port = 80;
    e.target = QStringLiteral("http://%1/item/%2").arg(host).arg(id);
    e.httpVersion = "HTTP/1.1";
    e.route = QStringLiteral("direct");
    if (phase == LogPhase::Finished) {
        e.status = 200;
        e.durationUs = 2000;
        e.bytesDown = 512;
    }
    return e;
}

LogEventBatch batch(quint64 first, int count,
                    const QString& host = QStringLiteral("www.example.test"))
{
    LogEventBatch out;
    for (quint64 id = first; id < first + quint64(count); ++id)
        out.append(makeEvent(id, host));
    return out;
}

quint64 idAtRow(const TrafficPage& page, int row)
{
    return page.view()->model()->index(row, 0).data(TrafficModel::IdRole).value<quint64>();
}

} // namespace

class TestTrafficPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void typingFilters();
    void quickFilters();
    void ctrlFFocusesFilterAndCtrlLClears();
    void enterOpensDetails();
    void detailsFollowTheExchange();
    void contextMenuAsksForHostRule();
    void contextMenuAsksForDomainRule();
    void followsTheTail();
    void holdsStillWhenScrolledUp();
    void holdsStillWhileOldestRowsGo();
    void holdsStillWithSelection();
    void sortedViewStaysSortedAndStill();
    void pauseIgnoresNewRequests();
    void exportsAndImportsHar();
    void savesAndRestoresState();

private:
    void showPage();

    TrafficPage* m_page = nullptr;
    QTemporaryDir m_dir;
};

void TestTrafficPage::init()
{
    QVERIFY(m_dir.isValid());
    m_page = new TrafficPage;
    m_page->resize(1000, 700);
}

void TestTrafficPage::cleanup()
{
    delete m_page;
    m_page = nullptr;
}

void TestTrafficPage::showPage()
{
    m_page->show();
    m_page->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_page));
}

void TestTrafficPage::typingFilters()
{
    showPage();
    m_page->addEvents(batch(1, 30, QStringLiteral("alpha.test")));
    m_page->addEvents(batch(31, 20, QStringLiteral("beta.test")));
    QCOMPARE(m_page->filterModel()->rowCount(), 50);
    QLineEdit* search = m_page->filterBar()->searchField();
    search->setFocus();
    QTest::keyClicks(search, QStringLiteral("BETA"));
    QTRY_COMPARE(m_page->filterModel()->rowCount(), 20);
    QCOMPARE(idAtRow(*m_page, 0), quint64(31));
    // The count says how many are shown of how many.
    QList<QLabel*> labels = m_page->findChildren<QLabel*>();
    const bool counted = std::any_of(labels.cbegin(), labels.cend(), [](const QLabel* label) {
        return label->text().contains(u"20 of 50");
    });
    QVERIFY(counted);
    // Matching the URL and the method too.
    search->clear();
    QTest::keyClicks(search, QStringLiteral("/item/4"));
    QTRY_COMPARE(m_page->filterModel()->rowCount(), 11); // 4, 40..49
    search->clear();
    QTest::keyClicks(search, QStringLiteral("post"));
    QTest::keyClick(search, Qt::Key_Return); // at once
    QCOMPARE(m_page->filterModel()->rowCount(), 10);
    // New rows are filtered as they arrive.
    m_page->addEvents(batch(51, 10, QStringLiteral("gamma.test")));
    QCOMPARE(m_page->filterModel()->rowCount(), 12);
}

void TestTrafficPage::quickFilters()
{
    showPage();
    LogEventBatch events = batch(1, 10);
    events[2].status = 500;
    events[3].route = QStringLiteral("blocked");
    events[3].status = 403;
    events[4].route = QStringLiteral("Office VPN");
    m_page->setExits({{QStringLiteral("exit-1"), QStringLiteral("Office VPN")}});
    m_page->addEvents(events);
    TrafficFilterBar* bar = m_page->filterBar();
    QTest::mouseClick(bar->errorsButton(), Qt::LeftButton);
    QCOMPARE(m_page->filterModel()->rowCount(), 1); // the 500; blocked is not an error
    QCOMPARE(idAtRow(*m_page, 0), quint64(3));
    QTest::mouseClick(bar->errorsButton(), Qt::LeftButton);
    QTest::mouseClick(bar->blockedButton(), Qt::LeftButton);
    QCOMPARE(m_page->filterModel()->rowCount(), 1);
    QCOMPARE(idAtRow(*m_page, 0), quint64(4));
    bar->reset();
    QCOMPARE(m_page->filterModel()->rowCount(), 10);
    bar->routeBox()->setCurrentIndex(bar->routeBox()->findData(QStringLiteral("Office VPN")));
    QCOMPARE(m_page->filterModel()->rowCount(), 1);
    QCOMPARE(idAtRow(*m_page, 0), quint64(5));
    bar->reset();
    bar->statusBox()->setCurrentIndex(5); // 5xx
    QCOMPARE(m_page->filterModel()->rowCount(), 1);
    bar->reset();
    bar->protocolBox()->setCurrentIndex(2); // CONNECT
    QCOMPARE(m_page->filterModel()->rowCount(), 0);
}

void TestTrafficPage::ctrlFFocusesFilterAndCtrlLClears()
{
    showPage();
    m_page->addEvents(batch(1, 5));
    m_page->view()->setFocus();
    QTRY_VERIFY(m_page->view()->hasFocus());
    QTest::keyClick(m_page->view(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(m_page->filterBar()->searchField()->hasFocus());
    QTest::keyClick(m_page->filterBar()->searchField(), Qt::Key_L, Qt::ControlModifier);
    QCOMPARE(m_page->model()->rowCount(), 0);
}

void TestTrafficPage::enterOpensDetails()
{
    showPage();
    m_page->addEvents(batch(1, 20));
    TrafficView* view = m_page->view();
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Home);
    QTest::keyClick(view, Qt::Key_Down);
    QTest::keyClick(view, Qt::Key_Down);
    QCOMPARE(view->currentIndex().row(), 2);
    QCOMPARE(m_page->detailsPane()->eventId(), quint64(3));
    QTest::keyClick(view, Qt::Key_Return);
    QTRY_VERIFY(m_page->detailsPane()->isAncestorOf(QApplication::focusWidget()));
    QVERIFY(m_page->detailsPane()->height() > 0);
}

void TestTrafficPage::detailsFollowTheExchange()
{
    showPage();
    m_page->addEvents({makeEvent(1, QStringLiteral("slow.test"), LogPhase::Started)});
    m_page->view()->setCurrentIndex(m_page->view()->model()->index(0, 0));
    QVERIFY(m_page->detailsPane()->overview()->toPlainText().contains(u"still running"));
    LogEvent done = makeEvent(1, QStringLiteral("slow.test"));
    done.status = 504;
    done.error = QStringLiteral("the origin did not answer");
    m_page->addEvents({done});
    QVERIFY(m_page->detailsPane()->overview()->toPlainText().contains(u"did not answer"));
}

void TestTrafficPage::contextMenuAsksForHostRule()
{
    showPage();
    m_page->setExits({{QStringLiteral("exit-1"), QStringLiteral("Office VPN")},
                      {QStringLiteral("exit-2"), QStringLiteral("Home SOCKS")}});
    m_page->addEvents(batch(1, 3, QStringLiteral("api.shop.example.test")));
    QSignalSpy requested(m_page, &TrafficPage::routeRequested);
    TrafficView* view = m_page->view();
    const QPoint pos = view->visualRect(m_page->view()->model()->index(1, 2)).center();
    QContextMenuEvent contextEvent(QContextMenuEvent::Mouse, pos,
                                   view->viewport()->mapToGlobal(pos));
    QApplication::sendEvent(view->viewport(), &contextEvent);
    auto* menu = qobject_cast<TrafficContextMenu*>(QApplication::activePopupWidget());
    QVERIFY(menu);
    QCOMPARE(view->currentIndex().row(), 1); // right-click selects the row
    QVERIFY(menu->hostMenu());
    QVERIFY(menu->hostMenu()->title().contains(u"api.shop.example.test"));
    QVERIFY(menu->copyCurlAction()->isEnabled());

    // Open the submenu by clicking its entry, then pick the second exit.
    QTest::mouseClick(menu, Qt::LeftButton, {},
                      menu->actionGeometry(menu->hostMenu()->menuAction()).center());
    QTRY_VERIFY(menu->hostMenu()->isVisible());
    QAction* through = nullptr;
    for (QAction* action : menu->hostMenu()->actions()) {
        if (action->text().contains(u"Home SOCKS"))
            through = action;
    }
    QVERIFY(through);
    QTest::mouseClick(menu->hostMenu(), Qt::LeftButton, {},
                      menu->hostMenu()->actionGeometry(through).center());
    QTRY_COMPARE(requested.size(), 1);
    QCOMPARE(requested.at(0).at(0).toString(), QStringLiteral("api.shop.example.test"));
    QCOMPARE(requested.at(0).at(1).toBool(), false);
    QCOMPARE(requested.at(0).at(2).value<RouteAction>(),
             RouteAction::through(QStringLiteral("exit-2")));
    QTRY_VERIFY(!QApplication::activePopupWidget());
}

void TestTrafficPage::contextMenuAsksForDomainRule()
{
    showPage();
    m_page->addEvents(batch(1, 3, QStringLiteral("api.shop.example.test")));
    QSignalSpy requested(m_page, &TrafficPage::routeRequested);
    const QPoint pos = m_page->view()->visualRect(m_page->view()->model()->index(0, 0)).center();
    TrafficContextMenu* menu = m_page->showContextMenu(pos);
    QVERIFY(menu);
    QVERIFY(menu->domainMenu());
    QVERIFY(menu->domainMenu()->title().contains(u"example.test"));
    // Keyboard this time: Right opens the domain entry on its first item (Direct),
    // Down moves to Block (no exits here), Return picks it.
    menu->setActiveAction(menu->domainMenu()->menuAction());
    QTest::keyClick(menu, Qt::Key_Right);
    QTRY_VERIFY(menu->domainMenu()->isVisible());
    QCOMPARE(menu->domainMenu()->activeAction(), menu->domainMenu()->actions().constFirst());
    QTest::keyClick(menu->domainMenu(), Qt::Key_Down);
    QTest::keyClick(menu->domainMenu(), Qt::Key_Return);
    QTRY_COMPARE(requested.size(), 1);
    QCOMPARE(requested.at(0).at(0).toString(), QStringLiteral("example.test"));
    QCOMPARE(requested.at(0).at(1).toBool(), true);
    QCOMPARE(requested.at(0).at(2).value<RouteAction>(), RouteAction::block());
}

void TestTrafficPage::followsTheTail()
{
    showPage();
    TrafficView* view = m_page->view();
    QScrollBar* bar = view->verticalScrollBar();
    quint64 next = 1;
    for (int i = 0; i < 20; ++i) {
        m_page->addEvents(batch(next, 25));
        next += 25;
        QVERIFY(view->isFollowingTail());
        QCOMPARE(bar->value(), bar->maximum());
    }
    QVERIFY(bar->maximum() > 0);
    // The last row is on screen.
    const int last = m_page->filterModel()->rowCount() - 1;
    QVERIFY(view->viewport()->rect().intersects(
        view->visualRect(m_page->view()->model()->index(last, 0))));
}

void TestTrafficPage::holdsStillWhenScrolledUp()
{
    showPage();
    TrafficView* view = m_page->view();
    QScrollBar* bar = view->verticalScrollBar();
    m_page->addEvents(batch(1, 300));
    QCOMPARE(bar->value(), bar->maximum());
    bar->setValue(40); // the user scrolls up
    QVERIFY(!view->isFollowingTail());
    const quint64 topId = idAtRow(*m_page, view->rowAt(0));
    m_page->addEvents(batch(301, 100));
    QCOMPARE(bar->value(), 40);
    QCOMPARE(idAtRow(*m_page, view->rowAt(0)), topId);
    // Back at the bottom, it follows again.
    bar->setValue(bar->maximum());
    QVERIFY(view->isFollowingTail());
    m_page->addEvents(batch(401, 50));
    QCOMPARE(bar->value(), bar->maximum());
}

void TestTrafficPage::holdsStillWhileOldestRowsGo()
{
    showPage();
    m_page->setMaxEntries(300);
    TrafficView* view = m_page->view();
    QScrollBar* bar = view->verticalScrollBar();
    m_page->addEvents(batch(1, 300));
    bar->setValue(150);
    const quint64 topId = idAtRow(*m_page, view->rowAt(0));
    // 60 new rows push the 60 oldest out, above the rows the user reads.
    m_page->addEvents(batch(301, 60));
    QCOMPARE(m_page->model()->rowCount(), 300);
    QCOMPARE(idAtRow(*m_page, view->rowAt(0)), topId);
    QCOMPARE(bar->value(), 90);
}

void TestTrafficPage::holdsStillWithSelection()
{
    showPage();
    TrafficView* view = m_page->view();
    QScrollBar* bar = view->verticalScrollBar();
    m_page->addEvents(batch(1, 300));
    // Select the last row while at the bottom: the view stops following.
    const QModelIndex last = m_page->view()->model()->index(299, 0);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(last).center());
    QVERIFY(view->selectionModel()->isRowSelected(299, {}));
    QVERIFY(!view->isFollowingTail());
    const int value = bar->value();
    m_page->addEvents(batch(301, 100));
    QCOMPARE(bar->value(), value);
    QVERIFY(view->viewport()->rect().contains(view->visualRect(last).center()));
    // Escape lets go of the selection; scrolling to the bottom follows again.
    QTest::keyClick(view, Qt::Key_Escape);
    QVERIFY(!view->selectionModel()->hasSelection());
    view->scrollToBottom();
    QVERIFY(view->isFollowingTail());
}

void TestTrafficPage::sortedViewStaysSortedAndStill()
{
    showPage();
    m_page->setMaxEntries(400);
    TrafficView* view = m_page->view();
    // A click on the Host header sorts by host.
    QHeaderView* header = view->horizontalHeader();
    const int x = header->sectionViewportPosition(TrafficModel::HostColumn) +
                  header->sectionSize(TrafficModel::HostColumn) / 2;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    QCOMPARE(header->sortIndicatorSection(), int(TrafficModel::HostColumn));
    quint64 next = 1;
    const auto feed = [&](int batches) {
        for (int b = 0; b < batches; ++b) {
            LogEventBatch events;
            for (int i = 0; i < 40; ++i, ++next)
                events.append(makeEvent(next, QStringLiteral("h%1.test").arg((next * 7919) % 97)));
            m_page->addEvents(events);
        }
    };
    feed(5);
    QScrollBar* bar = view->verticalScrollBar();
    bar->setValue(30);
    QVERIFY(!view->isFollowingTail());
    const quint64 topId = idAtRow(*m_page, view->rowAt(0));
    feed(10); // 400 more: the cap drops the oldest 200 on the way
    QCOMPARE(m_page->model()->rowCount(), 400);
    QAbstractItemModel* shown = view->model();
    for (int row = 1; row < shown->rowCount(); ++row) {
        const QString a = shown->index(row - 1, TrafficModel::HostColumn).data().toString();
        const QString b = shown->index(row, TrafficModel::HostColumn).data().toString();
        QVERIFY2(a <= b, qPrintable(a + QLatin1String(" > ") + b));
    }
    // The row the user was reading is still at the top, if it is still there.
    if (m_page->model()->rowOfId(topId) >= 0)
        QCOMPARE(idAtRow(*m_page, view->rowAt(0)), topId);
    // A third click returns to arrival order.
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    QCOMPARE(header->sortIndicatorSection(), -1);
    QCOMPARE(idAtRow(*m_page, 0), quint64(201));
}

void TestTrafficPage::pauseIgnoresNewRequests()
{
    showPage();
    m_page->addEvents({makeEvent(1, QStringLiteral("a.test"), LogPhase::Started)});
    m_page->pauseAction()->trigger();
    QVERIFY(!m_page->isCapturing());
    QCOMPARE(m_page->pauseAction()->text(), QStringLiteral("Resume"));
    m_page->addEvents(
        {makeEvent(1, QStringLiteral("a.test")), makeEvent(2, QStringLiteral("b.test"))});
    QCOMPARE(m_page->model()->rowCount(), 1);
    QCOMPARE(m_page->model()->eventAt(0).phase, LogPhase::Finished);
    m_page->pauseAction()->trigger();
    QVERIFY(m_page->isCapturing());
    m_page->addEvents({makeEvent(3, QStringLiteral("c.test"))});
    QCOMPARE(m_page->model()->rowCount(), 2);
}

void TestTrafficPage::exportsAndImportsHar()
{
    showPage();
    LogEventBatch events = batch(1, 10);
    events[4].requestHeaders = {{"Authorization", "Basic c2VjcmV0"}};
    events[4].host = QStringLiteral("needle.test");
    events[4].target = QStringLiteral("http://needle.test/");
    m_page->addEvents(events);

    // The visible entries: what the filter lets through.
    m_page->filterModel()->setText(QStringLiteral("needle"));
    const QString visible = m_dir.filePath(QStringLiteral("visible.har"));
    QCOMPARE(m_page->exportHar(visible, TrafficPage::ExportScope::Visible), QString());
    HarImport back = HarReader::readFile(visible);
    QVERIFY(back.ok());
    QCOMPARE(back.events.size(), 1);
    QCOMPARE(back.events.at(0).requestHeaders.at(0).second, QByteArray("Basic ********"));

    // The selection, in view order.
    m_page->filterModel()->setText(QString());
    QItemSelectionModel* selection = m_page->view()->selectionModel();
    selection->select(m_page->view()->model()->index(7, 0),
                      QItemSelectionModel::Select | QItemSelectionModel::Rows);
    selection->select(m_page->view()->model()->index(2, 0),
                      QItemSelectionModel::Select | QItemSelectionModel::Rows);
    const QString selected = m_dir.filePath(QStringLiteral("selected.har"));
    m_page->maskSecretsAction()->setChecked(false);
    QCOMPARE(m_page->exportHar(selected, TrafficPage::ExportScope::Selected), QString());
    back = HarReader::readFile(selected);
    QCOMPARE(back.events.size(), 2);
    QCOMPARE(back.events.at(0).id, quint64(3));
    QCOMPARE(back.events.at(1).id, quint64(8));

    // Importing adds the file's entries for reading and pauses the capture.
    QCOMPARE(m_page->importHar(visible), QString());
    QCOMPARE(m_page->model()->rowCount(), 11);
    QVERIFY(!m_page->isCapturing());
    QCOMPARE(m_page->model()->eventAt(10).host, QStringLiteral("needle.test"));
    QVERIFY(!m_page->importHar(m_dir.filePath(QStringLiteral("missing.har"))).isEmpty());
}

void TestTrafficPage::savesAndRestoresState()
{
    showPage();
    QHeaderView* header = m_page->view()->horizontalHeader();
    header->resizeSection(TrafficModel::HostColumn, 321);
    header->moveSection(TrafficModel::StatusColumn, 0);
    const QByteArray state = m_page->saveState();

    TrafficPage other;
    other.resize(1000, 700);
    other.show();
    QVERIFY(QTest::qWaitForWindowExposed(&other));
    QVERIFY(other.restoreState(state));
    QHeaderView* otherHeader = other.view()->horizontalHeader();
    QCOMPARE(otherHeader->sectionSize(TrafficModel::HostColumn), 321);
    QCOMPARE(otherHeader->visualIndex(TrafficModel::StatusColumn), 0);
    QVERIFY(!other.restoreState(QByteArray("garbage")));
}

QTEST_MAIN(TestTrafficPage)
#include "tst_trafficpage.moc"
