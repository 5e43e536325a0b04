// Building DOM nodes. Text from outside (names, chat, errors) only ever becomes text nodes, never HTML.

type Child = Node | string | null | undefined | false;
type Props = Record<string, string | number | boolean | EventListener | undefined>;

/** `h("button", { type: "button", onclick: go }, "Go")`: attributes, `on…` listeners, children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) {
      continue;
    }
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (name === "className") {
      node.className = String(value);
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]) {
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) {
      parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
  }
}

/** Replaces a container's content only when `key` changed, so that focus inside it survives periodic refreshes. */
export function renderIfChanged(container: HTMLElement, key: string, build: () => Child[]) {
  if (container.dataset.renderKey === key) {
    return;
  }
  const focusedId = document.activeElement instanceof HTMLElement && container.contains(document.activeElement)
    ? document.activeElement.id
    : "";
  container.replaceChildren();
  append(container, ...build());
  container.dataset.renderKey = key;
  if (focusedId) {
    document.getElementById(focusedId)?.focus();
  }
}
