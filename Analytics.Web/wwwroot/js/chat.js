// Draws the chat page's charts: each element with data-chart holds an ECharts option (JSON) from the dashboards'
// ChartOptionsBuilder, whose formatter markers charts.js turns into its formatters.
import { hydrateOption } from './charts.js';

let loading;

function ensureECharts() {
    if (window.echarts) return Promise.resolve(window.echarts);
    loading ??= new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = 'lib/echarts/echarts.min.js';
        script.onload = () => resolve(window.echarts);
        script.onerror = reject;
        document.head.appendChild(script);
    });
    return loading;
}

/** ECharts' dark theme when the page is dark (<html data-theme="dark">, as charts.js does), else the default. */
function currentTheme() {
    return document.documentElement.dataset.theme === 'dark' ? 'dark' : null;
}

export async function renderCharts() {
    const elements = document.querySelectorAll('.chat-chart[data-chart]');
    if (elements.length === 0) return;
    const echarts = await ensureECharts();
    const theme = currentTheme() ?? 'light';
    for (const el of elements) {
        const option = el.getAttribute('data-chart');
        if (el.dataset.rendered === option && el.dataset.theme === theme) continue;
        let chart = echarts.getInstanceByDom(el);
        if (chart && el.dataset.theme !== theme) { chart.dispose(); chart = null; }
        chart ??= echarts.init(el, currentTheme());
        const parsed = hydrateOption(option);
        if (theme === 'dark') parsed.backgroundColor ??= 'transparent';
        chart.setOption(parsed, true);
        el.dataset.rendered = option;
        el.dataset.theme = theme;
    }
}

/** The colour scheme changed: redraw the chat's charts with the other theme (ECharts takes a theme only at init). */
document.addEventListener('analytics:themechange', () => { renderCharts(); });

// Voice input and read-aloud, where the browser offers the Web Speech API.
export function speechSupport() {
    return {
        recognition: !!(window.SpeechRecognition || window.webkitSpeechRecognition),
        synthesis: !!window.speechSynthesis,
    };
}

export function dictate(dotnet) {
    const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
    if (!Recognition) return false;
    const recognition = new Recognition();
    recognition.lang = document.documentElement.lang || 'en-US';
    recognition.interimResults = false;
    recognition.onresult = e => dotnet.invokeMethodAsync('OnDictated', e.results[0][0].transcript);
    recognition.onerror = () => dotnet.invokeMethodAsync('OnDictated', '');
    recognition.start();
    return true;
}

export function speak(text) {
    if (!window.speechSynthesis) return;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
}

// "Copy" on an answer: the clipboard API where the page may use it, else a hidden textarea and the copy command.
export async function copyText(text) {
    try {
        if (navigator.clipboard && window.isSecureContext) {
            await navigator.clipboard.writeText(text);
            return true;
        }
    } catch { /* fall back below */ }
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    area.remove();
    return ok;
}

// Opening a bookmark: bring its answer into view and mark it for a moment.
export function scrollToMessage(id) {
    const el = document.querySelector(`[data-message-id="${CSS.escape(id)}"]`);
    if (!el) return false;
    el.scrollIntoView({ block: 'center' });
    el.classList.add('chat-focused');
    setTimeout(() => el.classList.remove('chat-focused'), 2500);
    return true;
}

export function focus(selector) {
    const el = document.querySelector(selector);
    if (el) el.focus();
}
