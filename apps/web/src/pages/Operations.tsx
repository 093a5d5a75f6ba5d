/** Placeholder while the page is built. */
export default function Operations() {
  return <h1>Operations</h1>;
}
