/*!
FullCalendar (Vanilla JS) v7.1.0
Docs & License: https://fullcalendar.io
(c) 2026 Adam Shaw
*/
(function ({ F: globalLocales }) {
    

    var __ar$l7 = {
        code: 'ar',
        week: {
            dow: 6, // Saturday is the first day of the week.
            doy: 12, // The week that contains Jan 1st is the first week of the year.
        },
        direction: 'rtl',
        prevText: 'السابق',
        nextText: 'التالي',
        todayText: 'اليوم',
        yearText: 'سنة',
        monthText: 'شهر',
        weekTextLong: 'أسبوع',
        dayText: 'يوم',
        listText: 'أجندة',
        allDayText: 'اليوم كله',
        moreLinkText: 'أخرى',
        noEventsText: 'أي أحداث لعرض',
    };

    globalLocales.push(__ar$l7);

})(FullCalendar.Shared);
