import { toModelText } from "./src/shared/sanitize.js";
import { renderGitHub } from "./test/helpers/github-render.js";
const P = ["<!-- SECRET -->", "![SECRET](https://x.y/p.png)", "<img alt=\"SECRET\" src=\"https://x.y/p.png\">", "[a](https://x.y \"SECRET\")", "<span title=SECRET>", "<img alt=SECRET src=x>", "[//]: # (SECRET)\n", "\n[//]: # (SECRET)\n", "<template>SECRET</template>", "```js SECRET\n", "<!--", "-->", "SEC", "RET", "`", "\n", "\n\n", "[", "]", "(", ")", "<", ">", "!", "*", "_", "\\", "&lt;", "&#60;", "<b>", "</b>", "<div>", "</div>", "\n> ", "\n- ", "    ", "|", "\n|---|\n", "x", " ", "<details>", "</details>", "\"", "'", "=", "[^1]", "[^1]: SECRET\n", ":", "<a href=\"x\"></a>", "<a href=x>", "</a>", "<svg>", "</svg>", "<?", "?>"];
let seed = Number(process.argv[2] ?? 1) >>> 0; const rand = () => { seed = (seed + 0x6d2b79f5) >>> 0; let t = seed; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
let bad = 0; let shown = 0;
for (let n = 0; n < Number(process.argv[3] ?? 3000); n++) {
  let s = ""; const len = 1 + Math.floor(rand() * 14); for (let i = 0; i < len; i++) s += P[Math.floor(rand() * P.length)];
  const vis = renderGitHub(s).visible; const model = toModelText(s).text;
  const secretHidden = !vis.replace(/\s+/g, "").includes("SECRET");
  if (secretHidden && model.replace(/\s+/g, "").includes("SECRET")) { bad++; if (shown++ < 12) console.log(JSON.stringify(s), "\n  visible:", JSON.stringify(vis.slice(0, 200)), "\n  model:  ", JSON.stringify(model.slice(0, 200))); }
}
console.log("leaks", bad);
