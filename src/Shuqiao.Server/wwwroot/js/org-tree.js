// Keyboard and expand/collapse for the organization tree, after the WAI-ARIA APG "navigation treeview" pattern:
// one tab stop (roving tabindex); ↑/↓ move, → expands or enters, ← collapses or goes to the parent, Home/End jump,
// Enter follows the link. Children not yet loaded are fetched from the tree's data-children-url + the item's data-id.
(function () {
    'use strict';

    function items(tree) {
        // Visible items only: those inside a collapsed group are not rendered (display: none).
        return Array.prototype.filter.call(tree.querySelectorAll('[role="treeitem"]'), function (item) {
            return item.offsetParent !== null;
        });
    }

    function groupOf(item) {
        var id = item.getAttribute('aria-owns');
        return id ? document.getElementById(id) : null;
    }

    function parentItem(item) {
        var group = item.closest('[role="group"]');
        return group ? group.parentElement.querySelector(':scope > [role="treeitem"]') : null;
    }

    function focus(tree, item) {
        tree.querySelectorAll('[role="treeitem"][tabindex="0"]').forEach(function (other) { other.setAttribute('tabindex', '-1'); });
        item.setAttribute('tabindex', '0');
        item.focus();
    }

    function announce(text) {
        var status = document.getElementById('org-tree-status');
        if (status) { status.textContent = text; }
    }

    function expand(container, tree, item) {
        if (item.getAttribute('aria-expanded') !== 'false') { return Promise.resolve(); }
        if (groupOf(item)) {
            item.setAttribute('aria-expanded', 'true');
            return Promise.resolve();
        }
        if (item.getAttribute('aria-busy') === 'true') { return Promise.resolve(); }
        var id = item.getAttribute('data-id');
        var url = container.getAttribute('data-children-url') + encodeURIComponent(id);
        item.setAttribute('aria-busy', 'true');
        announce(container.getAttribute('data-loading-text'));
        // HX-Request makes an expired session answer 401 instead of redirecting to the login page.
        return fetch(url, { headers: { 'HX-Request': 'true' }, credentials: 'same-origin' })
            .then(function (response) {
                if (!response.ok) { throw new Error(String(response.status)); }
                return response.text();
            })
            .then(function (html) {
                item.insertAdjacentHTML('afterend', html);
                var group = item.nextElementSibling;
                if (!group || group.getAttribute('role') !== 'group') { throw new Error('unexpected answer'); }
                item.setAttribute('aria-owns', group.id);
                group.querySelectorAll('[role="treeitem"]').forEach(function (child) { child.setAttribute('tabindex', '-1'); });
                item.setAttribute('aria-expanded', 'true');
                announce('');
            })
            .catch(function () { announce(container.getAttribute('data-error-text')); })
            .finally(function () { item.removeAttribute('aria-busy'); });
    }

    function collapse(item) {
        if (item.getAttribute('aria-expanded') === 'true') { item.setAttribute('aria-expanded', 'false'); }
    }

    function init(container) {
        var tree = container.querySelector('[role="tree"]');
        if (!tree) { return; }
        var all = tree.querySelectorAll('[role="treeitem"]');
        all.forEach(function (item, index) { item.setAttribute('tabindex', index === 0 ? '0' : '-1'); });

        tree.addEventListener('click', function (event) {
            var toggle = event.target.closest('.org-toggle');
            if (!toggle) { return; }
            var item = toggle.closest('[role="treeitem"]');
            if (!item.hasAttribute('aria-expanded')) { return; }
            event.preventDefault();
            if (item.getAttribute('aria-expanded') === 'true') { collapse(item); } else { expand(container, tree, item); }
            focus(tree, item);
        });

        tree.addEventListener('keydown', function (event) {
            var item = event.target.closest('[role="treeitem"]');
            if (!item || event.altKey || event.ctrlKey || event.metaKey) { return; }
            var visible = items(tree);
            var index = visible.indexOf(item);
            var handled = true;
            switch (event.key) {
                case 'ArrowDown':
                    if (index < visible.length - 1) { focus(tree, visible[index + 1]); }
                    break;
                case 'ArrowUp':
                    if (index > 0) { focus(tree, visible[index - 1]); }
                    break;
                case 'ArrowRight':
                    if (item.getAttribute('aria-expanded') === 'false') {
                        expand(container, tree, item);
                    } else if (item.getAttribute('aria-expanded') === 'true') {
                        var group = groupOf(item);
                        var first = group && group.querySelector('[role="treeitem"]');
                        if (first) { focus(tree, first); }
                    }
                    break;
                case 'ArrowLeft':
                    if (item.getAttribute('aria-expanded') === 'true') {
                        collapse(item);
                    } else {
                        var parent = parentItem(item);
                        if (parent) { focus(tree, parent); }
                    }
                    break;
                case 'Home':
                    focus(tree, visible[0]);
                    break;
                case 'End':
                    focus(tree, visible[visible.length - 1]);
                    break;
                default:
                    handled = false;
            }
            if (handled) {
                event.preventDefault();
                event.stopPropagation();
            }
        });
    }

    document.querySelectorAll('.org-tree').forEach(init);
})();
