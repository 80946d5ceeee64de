// Resource editor conveniences: move and remove field rows, show only the inputs that apply to a row's type and
// masking rule. The server checks everything; without this script every input is shown and rows are edited in place.
(function () {
    'use strict';
    var rows = document.getElementById('field-rows');
    if (!rows) {
        return;
    }

    var status = document.getElementById('field-rows-status');

    function announce(text) {
        if (status) {
            status.textContent = text;
        }
    }

    function title(row) {
        var label = row.querySelector('[data-field-label]');
        return label && label.value ? label.value : '';
    }

    function applyType(row) {
        var select = row.querySelector('[data-field-type]');
        var type = select ? select.value : '';
        row.querySelectorAll('[data-types]').forEach(function (element) {
            element.hidden = element.getAttribute('data-types').split(' ').indexOf(type) < 0;
        });
        var masking = row.querySelector('[data-field-masking]');
        var rule = masking ? masking.value : '';
        row.querySelectorAll('[data-masking]').forEach(function (element) {
            element.hidden = element.getAttribute('data-masking') !== rule;
        });
    }

    function focusRow(row) {
        var button = row.querySelector('[data-field-action="up"]');
        (button || row).focus();
    }

    rows.addEventListener('click', function (event) {
        var button = event.target.closest('[data-field-action]');
        if (!button) {
            return;
        }

        var row = button.closest('[data-field-row]');
        var action = button.getAttribute('data-field-action');
        if (action === 'up' && row.previousElementSibling) {
            rows.insertBefore(row, row.previousElementSibling);
            button.focus();
            announce(title(row) + ' ↑');
        } else if (action === 'down' && row.nextElementSibling) {
            rows.insertBefore(row.nextElementSibling, row);
            button.focus();
            announce(title(row) + ' ↓');
        } else if (action === 'remove') {
            var next = row.nextElementSibling || row.previousElementSibling;
            announce(title(row) + ' ✕');
            row.remove();
            if (next) {
                focusRow(next);
            } else {
                document.getElementById('add-field').focus();
            }
        }
    });

    rows.addEventListener('change', function (event) {
        if (event.target.matches('[data-field-type], [data-field-masking]')) {
            applyType(event.target.closest('[data-field-row]'));
        }
    });

    rows.addEventListener('input', function (event) {
        if (event.target.matches('[data-field-label]')) {
            var row = event.target.closest('[data-field-row]');
            row.querySelector('[data-field-title]').textContent = event.target.value;
        }
    });

    // A row added by htmx: show the inputs that apply and move the focus into it.
    document.body.addEventListener('htmx:afterSwap', function (event) {
        if (event.detail.target === rows) {
            var added = rows.lastElementChild;
            applyType(added);
            var first = added.querySelector('[data-field-label]');
            if (first) {
                first.focus();
            }
        }
    });

    rows.querySelectorAll('[data-field-row]').forEach(applyType);
}());
