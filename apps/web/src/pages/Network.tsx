/** Placeholder while the page is built. */
export default function Network() {
  return <h1>Network</h1>;
}
