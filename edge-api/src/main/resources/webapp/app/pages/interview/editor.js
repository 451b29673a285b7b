// The code editor: CodeMirror 6 from WebJars. It lives in a shadow root so CodeMirror's generated
// styles go into an adopted stylesheet (constructable, allowed by style-src 'self') instead of a
// <style> element that the CSP would refuse.
import { EditorState, Compartment, Annotation } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { StreamLanguage, bracketMatching, indentOnInput, syntaxHighlighting, HighlightStyle, indentUnit } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';
import { python } from '@codemirror/legacy-modes/mode/python.js';
import { java } from '@codemirror/legacy-modes/mode/clike.js';
import { javascript } from '@codemirror/legacy-modes/mode/javascript.js';

const MODES = { python, java, javascript };
const INDENT = { python: '    ', java: '    ', javascript: '  ' };
/** Marks changes made by the app (loading code), which are not the candidate's edits. */
const programmatic = Annotation.define();

const theme = EditorView.theme({
  '&': { height: '100%', backgroundColor: '#0d1117', color: '#e6edf3', fontSize: '14px' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', lineHeight: '1.55' },
  '.cm-content': { caretColor: '#e6edf3', padding: '8px 0' },
  '&.cm-focused': { outline: '2px solid #6366f1', outlineOffset: '-2px' },
  '&.cm-focused .cm-cursor': { borderLeftColor: '#e6edf3' },
  '.cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection': { backgroundColor: '#264f78 !important' },
  '.cm-gutters': { backgroundColor: '#0d1117', color: '#6e7681', border: 'none', borderRight: '1px solid #21262d' },
  '.cm-lineNumbers .cm-gutterElement': { padding: '0 12px 0 14px' },
  '.cm-activeLine': { backgroundColor: '#161b22' },
  '.cm-activeLineGutter': { backgroundColor: '#161b22', color: '#e6edf3' },
  '&.cm-focused .cm-matchingBracket': { backgroundColor: '#3b5070', outline: '1px solid #79c0ff' },
  '&.cm-focused .cm-nonmatchingBracket': { backgroundColor: '#6e2a2a' },
}, { dark: true });

const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.modifier, t.operatorKeyword], color: '#ff7b72' },
  { tag: [t.string, t.special(t.string)], color: '#a5d6ff' },
  { tag: [t.number, t.bool, t.null, t.atom], color: '#79c0ff' },
  { tag: [t.comment, t.lineComment, t.blockComment], color: '#8b949e', fontStyle: 'italic' },
  { tag: [t.function(t.variableName), t.definition(t.variableName), t.definition(t.propertyName)], color: '#d2a8ff' },
  { tag: [t.typeName, t.className, t.namespace], color: '#ffa657' },
  { tag: [t.propertyName, t.attributeName], color: '#7ee787' },
  { tag: [t.operator, t.punctuation, t.bracket], color: '#c9d1d9' },
  { tag: t.variableName, color: '#e6edf3' },
  { tag: t.meta, color: '#8b949e' },
]);

/**
 * createEditor(host, {code, language, onChange, label}) → {getCode, setCode, focus, destroy}.
 * onChange(code) fires for the candidate's edits only, never for setCode.
 */
export function createEditor(host, { code, language, onChange, label }) {
  const shadow = host.attachShadow({ mode: 'open', delegatesFocus: false });
  const parent = document.createElement('div');
  parent.className = 'editor-root';
  const sizing = new CSSStyleSheet();
  sizing.replaceSync(':host { display: block; } .editor-root { height: 100%; }');
  shadow.adoptedStyleSheets = [sizing];
  shadow.append(parent);
  const languageSlot = new Compartment();
  const view = new EditorView({
    root: shadow,
    parent,
    state: EditorState.create({
      doc: code,
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), highlightActiveLine(), drawSelection(), history(),
        indentOnInput(), bracketMatching(), syntaxHighlighting(highlight), theme,
        languageSlot.of(languageExtensions(language)),
        keymap.of([indentWithTab, ...defaultKeymap, ...historyKeymap]),
        EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': 'true' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !update.transactions.some((tr) => tr.annotation(programmatic))) {
            onChange(update.state.doc.toString());
          }
        }),
      ],
    }),
  });
  return {
    view,
    getCode: () => view.state.doc.toString(),
    setCode(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, annotations: programmatic.of(true) });
    },
    setLanguage(lang) {
      view.dispatch({ effects: languageSlot.reconfigure(languageExtensions(lang)) });
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}

function languageExtensions(language) {
  return [StreamLanguage.define(MODES[language] || python), indentUnit.of(INDENT[language] || '    '), EditorState.tabSize.of(4)];
}
